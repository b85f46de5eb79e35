import { IsOptional, Matches } from 'class-validator';

export class TwilioSecretsDto {
  /** Signs Voice SDK 2.x access tokens. */
  @Matches(/^[A-Za-z0-9]{32}$/, { message: 'apiKeySecret must be 32 letters or digits' })
  apiKeySecret: string;

  /** The account auth token; only needed for legacy (SDK 1.x) capability tokens. */
  @IsOptional()
  @Matches(/^[0-9a-f]{32}$/, { message: 'authToken must be 32 hex digits' })
  authToken?: string;
}
