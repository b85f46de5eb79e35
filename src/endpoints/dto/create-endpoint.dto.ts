import { IsBoolean, IsObject, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { CapabilityName } from '../../providers/capabilities';
import { IsCapabilityList } from '../../provider-accounts/dto/capabilities';
import { IsUserId } from '../../common/validation/user-id';

/** Binds one of the tenant's users to a provider account. */
export class CreateEndpointDto {
  @IsUUID()
  providerAccountId: string;

  /**
   * The tenant's own id for the user (not shown to the provider unless used as the identity).
   * @example "alice_42"
   */
  @IsUserId()
  userId: string;

  /** The name the provider knows the user by; defaults to `userId`. Checked against the provider's rules. */
  @IsOptional()
  @IsString()
  @Length(1, 255)
  identity?: string;

  /**
   * What tokens for this endpoint may allow: receive calls, place calls, or both. Default: none.
   * @example ["incoming", "outgoing"]
   */
  @IsOptional()
  @IsCapabilityList()
  capabilities?: CapabilityName[];

  @IsOptional()
  @IsBoolean()
  disabled?: boolean;

  /**
   * Also create the user at the provider (Plivo: an endpoint, and an application on first use). The provider's
   * name for it (Plivo appends 12 digits) becomes the identity.
   */
  @IsOptional()
  @IsBoolean()
  provision?: boolean;

  /** Provider-specific settings, e.g. SignalWire `allowedAddresses` (see docs/api.md, Provider credentials). */
  @IsOptional()
  @IsObject()
  providerOptions?: Record<string, unknown>;
}
