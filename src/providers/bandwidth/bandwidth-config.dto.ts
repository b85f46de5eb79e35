import { IsIn, Matches } from 'class-validator';

/** Non-secret Bandwidth settings (providers/bandwidth.md). */
export class BandwidthConfigDto {
  /** "global": Global In-App Calling (id.voxbone.com, scope voice.webrtc); "us": US & Canada (api.bandwidth.com). */
  @IsIn(['global', 'us'])
  network: 'global' | 'us';

  @Matches(/^[\x21-\x7e]{1,128}$/, { message: 'clientId must be 1-128 printable characters' })
  clientId: string;
}
