import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { IsSinkUrl } from './sink-url.decorator';
import { MAX_BATCH_EVENTS, SINK_LOGS, SinkLog, TOKEN_OUTCOMES, TokenOutcome } from './sink-filters';

export class CreateAuditSinkDto {
  /** @example "siem" */
  @IsString()
  @Length(1, 100)
  name: string;

  /** How the sink receives: `webhook`, HTTPS POSTs signed per the Standard Webhooks specification. */
  @IsIn(['webhook'])
  kind: 'webhook';

  /**
   * Where batches are POSTed: https, a public host (the operator may allow named private hosts).
   * @example "https://siem.example.com/callpass"
   */
  @IsSinkUrl()
  url: string;

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

  /** Events per delivery, 1 to 1000 (default 100). */
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
