import { DEFAULT_RATE_LIMITS, RateLimitSettingsDto } from './dto/rate-limit-settings.dto';
import { TenantSettingsDto } from './dto/tenant-settings.dto';
import { TokenTtlDto } from './dto/token-ttl.dto';

export class RateLimitsInForce {
  userPerMinute: number;
  keyPerMinute: number;
  tenantPerMinute: number;
}

/** The tenant's settings as they apply now: limits with their defaults filled in, and how far it may raise them. */
export class OwnSettingsResponse {
  allowedOrigins: string[];
  tokenTtl: TokenTtlDto;
  rateLimits: RateLimitsInForce;
  /** The most each rate limit may be set to here; the operator decides these. */
  rateLimitCaps: RateLimitsInForce;

  static from(settings: TenantSettingsDto): OwnSettingsResponse {
    return {
      allowedOrigins: settings.allowedOrigins ?? [],
      tokenTtl: settings.tokenTtl ?? {},
      rateLimits: withDefaults(settings.rateLimits),
      rateLimitCaps: withDefaults(settings.rateLimitCaps),
    };
  }
}

export function withDefaults(limits: RateLimitSettingsDto | undefined): RateLimitsInForce {
  return {
    userPerMinute: limits?.userPerMinute ?? DEFAULT_RATE_LIMITS.userPerMinute,
    keyPerMinute: limits?.keyPerMinute ?? DEFAULT_RATE_LIMITS.keyPerMinute,
    tenantPerMinute: limits?.tenantPerMinute ?? DEFAULT_RATE_LIMITS.tenantPerMinute,
  };
}
