import { IsString, Length } from 'class-validator';
import { MAX_TOKEN_LENGTH } from '../identity-token-verifier';

/** An end user's JWT to check as the browser route would; it is never stored, logged or echoed back. */
export class TestEndUserTokenDto {
  /** The JWT from one of your identity providers, as the user's browser would send it (at most 8 KB). */
  @IsString()
  @Length(1, MAX_TOKEN_LENGTH)
  token: string;
}
