/** The one response shape of POST /v1/tokens, for every provider (plus provider extras). */
export class IssuedTokenResponse {
  /** Id of the token log row; refreshable tokens are refreshed through it. */
  id: string;
  provider: string;
  kind: string;
  /** The token for the browser SDK. Shown here only: Callpass keeps a fingerprint, never the token. */
  token: string;
  identity: string;
  expiresAt: Date;
  /** When to fetch the next token: before expiry, leaving room for clock skew. */
  refreshAfter: Date;
  capabilities: string[];
  [extra: string]: unknown;
}
