export class OverviewSeries {
  /** `none` for requests refused before a provider was known. */
  provider: string;
  outcome: 'issued' | 'refused' | 'failed';
  /** Tokens per step, one per `at`. */
  counts: number[];
}

export class OverviewRefusals {
  /** The error code answered (see the error codes in docs/api.md). */
  code: string;
  count: number;
}

export class OverviewTotals {
  issued: number;
  refused: number;
  failed: number;
}

export class OverviewLatency {
  /** Median issuance time of the tokens issued, in milliseconds, per step (null: none issued). */
  p50: (number | null)[];
  /** 95th percentile, likewise. */
  p95: (number | null)[];
}

/** A tenant's tokens over the last hour, day or week, from the rollups (as fast with millions of tokens as with ten). */
export class OverviewResponse {
  range: 'hour' | 'day' | 'week';
  since: Date;
  until: Date;
  stepSeconds: number;
  /** The start of each step. */
  at: Date[];
  series: OverviewSeries[];
  /** Refused and failed requests in the range by error code, most first. */
  refusals: OverviewRefusals[];
  totals: OverviewTotals;
  latency: OverviewLatency;
}
