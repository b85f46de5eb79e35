import { IsIn, IsOptional, IsUUID } from 'class-validator';

export const VONAGE_REGIONS = ['us', 'eu', 'ap'] as const;
export type VonageRegion = (typeof VONAGE_REGIONS)[number];

/** Non-secret Vonage settings (providers/vonage.md §1). */
export class VonageConfigDto {
  /** The Vonage application whose key signs the tokens (their `application_id`) and whose users they name. */
  @IsUUID()
  applicationId: string;

  /**
   * Where the application's users live, for the browser SDK's ConfigRegion (a mismatch fails the session, §8).
   * Default "us". Callpass's own calls go to api.nexmo.com whatever the region (§4), so it moves no secrets.
   */
  @IsOptional()
  @IsIn(VONAGE_REGIONS)
  region?: VonageRegion;
}
