import { IsUUID } from 'class-validator';

/** `providerOptions` of an endpoint for a telephony credential the tenant created at Telnyx (without `provision`). */
export class TelnyxEndpointOptionsDto {
  /** The credential's id; the endpoint's identity is then its `sip_username` (`gencred…`), as the tenant gives it. */
  @IsUUID()
  credentialId: string;
}
