import { Matches } from 'class-validator';

export class PlivoSecretsDto {
  /** Plivo does not document the token's exact format, so only its outline is checked (printable, 20-128). */
  @Matches(/^[\x21-\x7e]{20,128}$/, { message: 'authToken must be 20-128 printable characters' })
  authToken: string;
}
