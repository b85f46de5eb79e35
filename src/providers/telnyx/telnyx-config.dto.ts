import { IsOptional, Matches } from 'class-validator';

/** Non-secret Telnyx settings (providers/telnyx.md §1). */
export class TelnyxConfigDto {
  /**
   * The Credential Connection provisioned endpoints get their telephony credential on (a numeric string, §2). Only
   * provisioning needs it: an endpoint that names an existing credential does not.
   */
  @IsOptional()
  @Matches(/^[0-9]{1,32}$/, { message: "connectionId must be the Credential Connection's numeric id" })
  connectionId?: string;
}
