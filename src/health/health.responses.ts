export class LiveResponse {
  /** @example "ok" */
  status: 'ok';
}

export class ReadyResponse {
  /**
   * `ok`; `degraded` (200) when Redis does not answer; `unavailable` (503) when the database does not answer or
   * the process is shutting down.
   */
  status: 'ok' | 'degraded' | 'unavailable';
  /**
   * Each dependency's state: `database` (`ok`, `unreachable`), `redis` (`ok`, `unreachable`, `not_configured`), and
   * `shutdown: draining` while the process drains.
   * @example { "database": "ok", "redis": "not_configured" }
   */
  checks: Record<string, string>;
}
