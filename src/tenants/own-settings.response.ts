import { PROVIDER_MAX_TTL_SECONDS } from '../providers/provider-list';
import { DEFAULT_RATE_LIMITS, RateLimitSettingsDto } from './dto/rate-limit-settings.dto';
import { TenantSettingsDto } from './dto/tenant-settings.dto';
import { TokenTtlDto } from './dto/token-ttl.dto';

export class RateLimitsInForce {
  userPerMinute: number;
  keyPerMinute: number;
  tenantPerMinute: number;
}

/** How far a tenant may raise its own limits: what its operator set, else the limits as they stand. */
export interface OwnSettingsCaps {
  rateLimits: RateLimitsInForce;
  /** PROVIDER_MAX_TTL_SECONDS: no cap but each provider's own. */
  tokenTtlSeconds: number;
}

/** The tenant's settings as they apply now: limits with their defaults filled in, and how far it may raise them. */
export class OwnSettingsResponse {
  allowedOrigins: string[];
  tokenTtl: TokenTtlDto;
  rateLimits: RateLimitsInForce;
  /** The most each rate limit may be set to here; the operator decides these. */
  rateLimitCaps: RateLimitsInForce;
  /** The longest lifetime `tokenTtl` may allow here, in seconds (each provider's own longest applies as well). */
  tokenTtlCapSeconds: number;

  static from(settings: TenantSettingsDto): OwnSettingsResponse {
    const caps = capsOf(settings);
    return {
      allowedOrigins: settings.allowedOrigins ?? [],
      tokenTtl: settings.tokenTtl ?? {},
      rateLimits: withDefaults(settings.rateLimits),
      rateLimitCaps: caps.rateLimits,
      tokenTtlCapSeconds: caps.tokenTtlSeconds,
    };
  }
}

/**
 * The caps the operator set; where it set none, the limit as it stands: before tenants changed their own settings, an
 * operator's limits were the most they had, and they stay so.
 */
export function capsOf(settings: TenantSettingsDto): OwnSettingsCaps {
  return {
    rateLimits: withDefaults(settings.rateLimitCaps, settings.rateLimits),
    tokenTtlSeconds: settings.tokenTtlCapSeconds ?? settings.tokenTtl?.maxSeconds ?? PROVIDER_MAX_TTL_SECONDS,
  };
}

/** Each limit as the first of `sources` that sets it has it, else its default. */
function withDefaults(...sources: (RateLimitSettingsDto | undefined)[]): RateLimitsInForce {
  const limit = (name: keyof RateLimitsInForce) =>
    sources.find((source) => source?.[name] !== undefined)?.[name] ?? DEFAULT_RATE_LIMITS[name];
  return { userPerMinute: limit('userPerMinute'), keyPerMinute: limit('keyPerMinute'), tenantPerMinute: limit('tenantPerMinute') };
}
