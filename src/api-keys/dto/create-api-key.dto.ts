import { IsDateString, IsOptional, IsString, Length } from 'class-validator';

/** Body for issuing an admin or tenant API key. */
export class CreateApiKeyDto {
  /** A label to tell keys apart, e.g. "production backend". */
  @IsString()
  @Length(1, 100)
  name: string;

  /** When the key stops working (ISO 8601, in the future). Omit for a key that lasts until revoked. */
  @IsOptional()
  @IsDateString({ strict: true })
  expiresAt?: string;
}
