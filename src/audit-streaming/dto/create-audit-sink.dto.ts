import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
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
import { SINK_KINDS, SinkKind } from '../sink-adapters/sink-adapter';
import { ObjectStorageCredentialsDto } from './object-storage-credentials.dto';
import { IsSinkUrl } from './sink-url.decorator';
import { MAX_BATCH_EVENTS, SINK_LOGS, SinkLog, TOKEN_OUTCOMES, TokenOutcome } from './sink-filters';

export class CreateAuditSinkDto {
  /** @example "siem" */
  @IsString()
  @Length(1, 100)
  name: string;

  /**
   * How the sink receives: `webhook` (HTTPS POSTs signed per the Standard Webhooks specification), `syslog` (RFC 5424
   * messages over TLS, RFC 5425), `object_storage` (gzipped NDJSON objects in an S3-compatible bucket).
   */
  @IsIn(SINK_KINDS)
  kind: SinkKind;

  /**
   * A webhook's https URL; a syslog collector's `syslog-tls://host[:port]` (port 6514 by default); an object store's
   * `https://endpoint/bucket[/key prefix]`. A public host (the operator may allow named private hosts).
   * @example "https://siem.example.com/callpass"
   */
  @IsSinkUrl()
  url: string;

  /** An object store's region (default us-east-1). */
  @IsOptional()
  @Matches(/^[a-z0-9-]{2,32}$/)
  region?: string;

  /** An object store's access key: required for `object_storage`, refused for the others. */
  @IsOptional()
  @ValidateNested()
  @Type(() => ObjectStorageCredentialsDto)
  credentials?: ObjectStorageCredentialsDto;

  /** The logs it receives (default both). */
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(SINK_LOGS, { each: true })
  logs?: SinkLog[];

  /** Token log outcomes sent whole (default all); rows of other outcomes come as their chain link alone. */
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(TOKEN_OUTCOMES.length)
  @ArrayUnique()
  @IsIn(TOKEN_OUTCOMES, { each: true })
  tokenOutcomes?: TokenOutcome[];

  /** Events per delivery, 1 to 1000 (default 500, about 500 KB). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_BATCH_EVENTS)
  maxBatchEvents?: number;

  /** `now` (default): rows written from now on; `oldest`: every row still kept, then the new ones. */
  @IsOptional()
  @IsIn(['now', 'oldest'])
  startAt?: 'now' | 'oldest';
}
