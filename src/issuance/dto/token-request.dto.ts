import { IsInt, IsObject, IsOptional, Matches, Max, Min } from 'class-validator';
import { CapabilityName } from '../../providers/capabilities';
import { IsCapabilityList } from '../../provider-accounts/dto/capabilities';
import { PROVIDER_MAX_TTL_SECONDS } from '../../providers/provider-list';
import { MIN_TTL_SECONDS } from '../../tenants/dto/token-ttl.dto';

/** What every token route takes about the token itself, whoever asks. */
export class TokenRequestDto {
  /**
   * Provider token kind, e.g. twilio `access_token` (default) or `capability_token`; signalwire `subscriber`, `guest`, `invite`.
   * @example "access_token"
   */
  @IsOptional()
  @Matches(/^[a-z_]{1,40}$/)
  kind?: string;

  /**
   * Requested lifetime in seconds; cut to the tenant's, account's and provider's maximum.
   * @example 900
   */
  @IsOptional()
  @IsInt()
  @Min(MIN_TTL_SECONDS)
  @Max(PROVIDER_MAX_TTL_SECONDS)
  ttlSeconds?: number;

  /**
   * Narrow the token to these; omit for everything the endpoint and account allow.
   * @example ["outgoing"]
   */
  @IsOptional()
  @IsCapabilityList()
  capabilities?: CapabilityName[];

  /** Provider- and kind-specific options (see docs/api.md, Issuing a token). */
  @IsOptional()
  @IsObject()
  options?: Record<string, unknown>;
}
