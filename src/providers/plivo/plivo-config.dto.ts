import { IsOptional, IsUrl, Matches } from 'class-validator';

/** Non-secret Plivo settings (providers/plivo.md). */
export class PlivoConfigDto {
  /** Main account ("MA…") or subaccount ("SA…") id: 20 characters. */
  @Matches(/^(MA|SA)[A-Z0-9]{18}$/, { message: 'authId must be "MA" or "SA" followed by 18 capital letters or digits' })
  authId: string;

  /** Application (numeric id) that routes the browser's calls; becomes the token's `app` and new endpoints' app. */
  @IsOptional()
  @Matches(/^[0-9]{1,24}$/, { message: "applicationId must be Plivo's numeric application id" })
  applicationId?: string;

  /**
   * With no applicationId, the first provisioned endpoint creates a Plivo application answering at this URL,
   * and its id is stored as applicationId.
   */
  @IsOptional()
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true, require_tld: false })
  answerUrl?: string;
}
