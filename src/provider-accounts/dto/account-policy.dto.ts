import { Type } from 'class-transformer';
import { IsBoolean, IsOptional, ValidateNested } from 'class-validator';
import { TokenTtlDto } from '../../tenants/dto/token-ttl.dto';
import { CapabilityName, IsCapabilityList } from './capabilities';

/** Limits for every token minted with this account, on top of the tenant's. */
export class AccountPolicyDto {
  @IsOptional()
  @ValidateNested()
  @Type(() => TokenTtlDto)
  tokenTtl?: TokenTtlDto;

  /** Capabilities this account may grant at all; omit to allow both. */
  @IsOptional()
  @IsCapabilityList()
  capabilities?: CapabilityName[];

  /**
   * A user with no endpoint here who asks for their own token (or a service for them) gets one created on the spot,
   * with this account's capabilities, and created at the provider too where the provider needs it (Plivo).
   */
  @IsOptional()
  @IsBoolean()
  autoEnroll?: boolean;
}
