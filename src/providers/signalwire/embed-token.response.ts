/** A guest SAT for a click-to-call widget. */
export class EmbedTokenResponse {
  /** Id of the token log row. */
  id: string;
  /** @example "signalwire" */
  provider: string;
  /** @example "embed" */
  kind: string;
  /** The SAT for the SignalWire browser SDK. */
  token: string;
  expiresAt: Date;
  /** When to fetch the next one. */
  refreshAfter: Date;
  /** @example ["outgoing"] */
  capabilities: string[];
}
