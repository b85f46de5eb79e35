export class UserRevocationResponse {
  userId: string;
  /** The user's identity-provider tokens issued at or before this instant are refused from now on. */
  revokedAt: Date;
  /** Live Callpass sessions of the user, now revoked. */
  sessionsRevoked: number;
  /** Kept provider refresh credentials (SignalWire) of the user's endpoints, now deleted. */
  refreshCredentialsDeleted: number;
}
