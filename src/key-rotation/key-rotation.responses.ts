/** Which key-encryption key wraps how many stored secrets. */
export class KeyUsageResponse {
  /** @example "k20261130a1b2" */
  primaryKeyId: string;
  /**
   * Provider account rows per key id.
   * @example { "k20261130a1b2": 12, "k20250601c3d4": 3 }
   */
  providerAccounts: Record<string, number>;
  /** Kept refresh credentials per key id. */
  providerSessions: Record<string, number>;
  /** Identity providers' shared secrets per key id. */
  endUserIssuers: Record<string, number>;
  /** Audit sinks' signing secrets per key id. */
  auditSinks: Record<string, number>;
}

export class RewrapReportResponse {
  primaryKeyId: string;
  /** Rows moved onto the primary key now. */
  rewrapped: number;
  /** Rows whose key is not in the keyring (they stay as they are). */
  failed: number;
  /** Rows still on an older key afterwards: 0 means the old keys can be removed. */
  remaining: number;
}
