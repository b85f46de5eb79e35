import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsOptional, Matches, ValidateNested } from 'class-validator';
import { RateLimitSettingsDto } from './rate-limit-settings.dto';
import { TokenTtlDto } from './token-ttl.dto';

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
   * The most the tenant may raise its own rate limits to (`PUT /v1/settings`); each defaults to the default limit.
   * Only an admin sets these.
   */
  @IsOptional()
  @ValidateNested()
  @Type(() => RateLimitSettingsDto)
  rateLimitCaps?: RateLimitSettingsDto;

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
