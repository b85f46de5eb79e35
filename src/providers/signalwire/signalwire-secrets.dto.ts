import { IsOptional, Matches } from 'class-validator';

export class SignalwireSecretsDto {
  /** The project's API token. Its format is not documented, so only its outline is checked. */
  @Matches(/^[\x21-\x7e]{16,128}$/, { message: 'apiToken must be 16-128 printable characters' })
  apiToken: string;

  /** Click-to-call token from the dashboard ("c2c_…" or "c2t_…"), exchanged on the public embed route. */
  @IsOptional()
  @Matches(/^c2[ct]_[A-Za-z0-9]{8,128}$/, { message: 'clickToCallToken must look like "c2c_…" or "c2t_…"' })
  clickToCallToken?: string;
}
