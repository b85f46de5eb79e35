import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Tokens per minute a calling app needs: a user signs in, refreshes, maybe reloads a few tabs. */
export const DEFAULT_RATE_LIMITS = { userPerMinute: 10, keyPerMinute: 1200, tenantPerMinute: 6000 };

/** How many tokens may be asked for each minute; over it, 429 rate_limited with Retry-After. */
export class RateLimitSettingsDto {
  /** Per end user (browser route, by user id); default 10. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  userPerMinute?: number;

  /** Per tenant or service key; default 1,200. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  keyPerMinute?: number;

  /** For the whole tenant, all routes together; default 6,000. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  tenantPerMinute?: number;
}
