import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { NotAbove } from '../../common/validation/not-above.decorator';

/** Twilio, Plivo and SignalWire all cap a browser token at 24 hours; no setting may exceed it. */
export const PROVIDER_MAX_TTL_SECONDS = 86_400;
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
