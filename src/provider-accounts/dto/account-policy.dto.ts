import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, Matches, ValidateNested } from 'class-validator';
import { TokenTtlDto } from '../../tenants/dto/token-ttl.dto';
import { CapabilityName } from '../../providers/capabilities';
import { IsCapabilityList } from './capabilities';

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

  /**
   * Token options an end user may set beyond the narrowing ones each kind allows, e.g. SignalWire's `fingerprint`
   * for client-bound SATs. Those the browser then refreshes at SignalWire by itself, beyond the reach of Callpass's
   * revocation and token log: an opt-in for the tenant.
   */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(/^[A-Za-z][A-Za-z0-9]{0,63}$/, { each: true, message: 'endUserOptions must be option names' })
  endUserOptions?: string[];
}
