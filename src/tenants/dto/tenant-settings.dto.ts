import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsInt, IsOptional, Matches, Max, Min, ValidateNested } from 'class-validator';
import { PROVIDER_MAX_TTL_SECONDS } from '../../providers/provider-list';
import { RateLimitSettingsDto } from './rate-limit-settings.dto';
import { MIN_TTL_SECONDS, TokenTtlDto } from './token-ttl.dto';

/** Tenant-wide defaults. Provider accounts may narrow them, never widen them. */
export class TenantSettingsDto {
  @IsOptional()
  @ValidateNested()
  @Type(() => TokenTtlDto)
  tokenTtl?: TokenTtlDto;

  @IsOptional()
  @ValidateNested()
  @Type(() => RateLimitSettingsDto)
  rateLimits?: RateLimitSettingsDto;

  /**
   * The most the tenant may raise its own rate limits to (`PUT /v1/settings`). Each, when not set, is the limit as it
   * stands (or its default) when the tenant first changes its settings, and is kept from then on. Only an admin sets these.
   */
  @IsOptional()
  @ValidateNested()
  @Type(() => RateLimitSettingsDto)
  rateLimitCaps?: RateLimitSettingsDto;

  /**
   * The longest token lifetime the tenant may allow itself (`PUT /v1/settings`), in seconds. When not set, it is
   * `tokenTtl.maxSeconds` as it stands (or no cap but the providers') when the tenant first changes its settings, and is
   * kept from then on. Only an admin sets it.
   */
  @IsOptional()
  @IsInt()
  @Min(MIN_TTL_SECONDS)
  @Max(PROVIDER_MAX_TTL_SECONDS)
  tokenTtlCapSeconds?: number;

  /**
   * Web origins (scheme://host[:port]) whose pages may call the tenant's browser routes (CORS): the end-user token
   * route and click-to-call embeds.
   */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @Matches(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, { each: true, message: 'each allowed origin must be scheme://host[:port]' })
  allowedOrigins?: string[];
}
