export class LiveResponse {
  /** @example "ok" */
  status: 'ok';
}

export class ReadyResponse {
  /** `ok`, or `unavailable` (with status 503) when the database does not answer. */
  status: 'ok' | 'unavailable';
  /**
   * Each dependency's state.
   * @example { "database": "ok" }
   */
  checks: Record<string, string>;
}
