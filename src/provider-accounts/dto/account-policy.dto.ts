import { Type } from 'class-transformer';
import { ArrayUnique, IsArray, IsIn, IsOptional, ValidateNested } from 'class-validator';
import { TokenTtlDto } from '../../tenants/dto/token-ttl.dto';

export const CAPABILITIES = ['incoming', 'outgoing'] as const;
export type CapabilityName = (typeof CAPABILITIES)[number];

/** Limits for every token minted with this account, on top of the tenant's. */
export class AccountPolicyDto {
  @IsOptional()
  @ValidateNested()
  @Type(() => TokenTtlDto)
  tokenTtl?: TokenTtlDto;

  /** Capabilities this account may grant at all; omit to allow both. */
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(CAPABILITIES, { each: true })
  capabilities?: CapabilityName[];
}
