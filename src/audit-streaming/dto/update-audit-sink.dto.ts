import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { ObjectStorageCredentialsDto } from './object-storage-credentials.dto';
import { IsSinkUrl } from './sink-url.decorator';
import { MAX_BATCH_EVENTS, TOKEN_OUTCOMES, TokenOutcome } from './sink-filters';

/** What a sink's owner may change; the logs it receives and where it started are fixed at creation. */
export class UpdateAuditSinkDto {
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  /** A new URL, region or credentials get the test message first, and are stored only if it is delivered. */
  @IsOptional()
  @IsSinkUrl()
  url?: string;

  @IsOptional()
  @Matches(/^[a-z0-9-]{2,32}$/)
  region?: string;

  /** An object store's access key, replaced as a whole. */
  @IsOptional()
  @ValidateNested()
  @Type(() => ObjectStorageCredentialsDto)
  credentials?: ObjectStorageCredentialsDto;

  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(TOKEN_OUTCOMES.length)
  @ArrayUnique()
  @IsIn(TOKEN_OUTCOMES, { each: true })
  tokenOutcomes?: TokenOutcome[];

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_BATCH_EVENTS)
  maxBatchEvents?: number;

  /** `true` stops deliveries (the cursor stays); `false` resumes them at once, from where they stopped. */
  @IsOptional()
  @IsBoolean()
  paused?: boolean;
}
