import { Matches } from 'class-validator';

export class SignalwireSecretsDto {
  /** The project's API token. Its format is not documented, so only its outline is checked. */
  @Matches(/^[\x21-\x7e]{16,128}$/, { message: 'apiToken must be 16-128 printable characters' })
  apiToken: string;
}
