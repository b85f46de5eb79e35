import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { NotAbove } from '../../common/validation/not-above.decorator';
import { PROVIDER_MAX_TTL_SECONDS } from '../../providers/provider-list';

export const MIN_TTL_SECONDS = 60;

/** Token lifetime limits; set on a tenant and narrowed per provider account. */
export class TokenTtlDto {
  /** Lifetime when a request names none, in seconds. */
  @IsOptional()
  @IsInt()
  @Min(MIN_TTL_SECONDS)
  @Max(PROVIDER_MAX_TTL_SECONDS)
  @NotAbove('maxSeconds')
  defaultSeconds?: number;

  /** Longest lifetime a request may ask for, in seconds. */
  @IsOptional()
  @IsInt()
  @Min(MIN_TTL_SECONDS)
  @Max(PROVIDER_MAX_TTL_SECONDS)
  maxSeconds?: number;
}
