import { Type } from 'class-transformer';
import { IsOptional, ValidateNested } from 'class-validator';
import { TokenTtlDto } from './token-ttl.dto';

/** Tenant-wide defaults. Provider accounts may narrow them, never widen them. */
export class TenantSettingsDto {
  @IsOptional()
  @ValidateNested()
  @Type(() => TokenTtlDto)
  tokenTtl?: TokenTtlDto;
}
