import { IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { CapabilityName, IsCapabilityList } from '../../provider-accounts/dto/capabilities';
import { MIN_TTL_SECONDS, PROVIDER_MAX_TTL_SECONDS } from '../../tenants/dto/token-ttl.dto';

/** One request shape for every provider. Name the endpoint by id, or by account and the tenant's user id. */
export class IssueTokenDto {
  /**
   * The endpoint (one of your users on one provider account).
   * @example "01937a2e-5f10-7b8c-8e4d-2a6b9c0d1e2f"
   */
  @IsOptional()
  @IsUUID()
  endpointId?: string;

  /** With `userId`, instead of `endpointId`. */
  @IsOptional()
  @IsUUID()
  providerAccountId?: string;

  /**
   * Your own id for the user, with `providerAccountId`.
   * @example "alice_42"
   */
  @IsOptional()
  @IsString()
  @Length(1, 200)
  userId?: string;

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

  /** Provider- and kind-specific options (see README). */
  @IsOptional()
  @IsObject()
  options?: Record<string, unknown>;
}
