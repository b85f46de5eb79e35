import { IsOptional, Matches } from 'class-validator';

/** Non-secret Plivo settings (providers/plivo.md). */
export class PlivoConfigDto {
  /** Main account ("MA…") or subaccount ("SA…") id: 20 characters. */
  @Matches(/^(MA|SA)[A-Z0-9]{18}$/, { message: 'authId must be "MA" or "SA" followed by 18 capital letters or digits' })
  authId: string;

  /** Application (numeric id) that routes the browser's calls; becomes the token's `app`. */
  @IsOptional()
  @Matches(/^[0-9]{1,24}$/, { message: 'applicationId must be Plivo\'s numeric application id' })
  applicationId?: string;
}
