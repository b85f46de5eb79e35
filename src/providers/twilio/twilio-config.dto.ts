import { IsOptional, Matches } from 'class-validator';

/** Non-secret Twilio settings. SIDs are two letters plus 32 lowercase hex digits (providers/twilio.md). */
export class TwilioConfigDto {
  @Matches(/^AC[0-9a-f]{32}$/, { message: 'accountSid must be "AC" followed by 32 hex digits' })
  accountSid: string;

  /** The API key that signs access tokens. Standard keys only: Twilio rejects tokens from restricted keys. */
  @Matches(/^SK[0-9a-f]{32}$/, { message: 'apiKeySid must be "SK" followed by 32 hex digits' })
  apiKeySid: string;

  /** TwiML App that outgoing calls run through; required for the outgoing capability. */
  @IsOptional()
  @Matches(/^AP[0-9a-f]{32}$/, { message: 'outgoingApplicationSid must be "AP" followed by 32 hex digits' })
  outgoingApplicationSid?: string;

  /** Push credential for mobile incoming calls. */
  @IsOptional()
  @Matches(/^CR[0-9a-f]{32}$/, { message: 'pushCredentialSid must be "CR" followed by 32 hex digits' })
  pushCredentialSid?: string;

  /** Home region (e.g. "ie1"); sent as the `twr` token header. */
  @IsOptional()
  @Matches(/^[a-z]{2}[0-9]$/, { message: 'region must look like "us1" or "ie1"' })
  region?: string;
}
