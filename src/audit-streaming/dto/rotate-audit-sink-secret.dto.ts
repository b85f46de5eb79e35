import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_SECRET_OVERLAP_SECONDS } from './sink-filters';

export class RotateAuditSinkSecretDto {
  /** How long the secret before this one still signs too (default a day, at most a week; 0 for at once). */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_SECRET_OVERLAP_SECONDS)
  overlapSeconds?: number;
}
