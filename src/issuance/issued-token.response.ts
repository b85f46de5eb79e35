/** The one response shape of the token routes, for every provider (plus provider extras, listed in docs/api.md). */
export class IssuedTokenResponse {
  /**
   * Id of the token log row; refreshable tokens are refreshed through it.
   * @example "01937a2e-6b1c-7d3f-9a52-4c1e8f0b2d6a"
   */
  id: string;
  /** @example "twilio" */
  provider: string;
  /** @example "access_token" */
  kind: string;
  /**
   * The token for the browser SDK. Shown here only: Callpass keeps a fingerprint, never the token.
   * @example "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImN0eSI6InR3aWxpby1mcGE7dj0xIn0.eyJqdGkiOi…"
   */
  token: string;
  /**
   * The name the provider knows the user by (null for a token minted for an account as a whole, such as an embed's).
   * @example "alice_42"
   */
  identity: string | null;
  /** @example "2026-11-30T10:10:00.000Z" */
  expiresAt: Date;
  /**
   * When to fetch the next token: before expiry, leaving room for clock skew.
   * @example "2026-11-30T10:08:00.000Z"
   */
  refreshAfter: Date;
  /**
   * Callpass's clock when it answered: a browser whose clock is off schedules its refresh by the difference.
   * @example "2026-11-30T10:00:00.000Z"
   */
  serverTime: Date;
  /** @example ["incoming", "outgoing"] */
  capabilities: string[];
  [extra: string]: unknown;
}
