import { IsOptional } from 'class-validator';
import { IsStringMap } from '../../common/validation/is-string-map.decorator';

/** `options` of a Twilio token request. */
export class TwilioTokenOptionsDto {
  /** Parameters passed to the TwiML App on outgoing calls (the token's `outgoing.params`). */
  @IsOptional()
  @IsStringMap(20, 256)
  outgoingParams?: Record<string, string>;
}
