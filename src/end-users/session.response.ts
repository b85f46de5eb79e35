import { EndUserSession } from '../generated/prisma/client';

export class SessionResponse {
  id: string;
  userId: string;
  /** `cp_sess_` plus 8 characters: enough to tell sessions apart, useless to an attacker. */
  prefix: string;
  /** Narrower than the user's endpoints allow, when not empty. */
  capabilities: ('incoming' | 'outgoing')[];
  providerAccountId: string | null;
  expiresAt: Date;
  revokedAt: Date | null;
  createdAt: Date;

  static from(session: EndUserSession): SessionResponse {
    const { id, userId, prefix, capabilities, providerAccountId, expiresAt, revokedAt, createdAt } = session;
    return { id, userId, prefix, capabilities, providerAccountId, expiresAt, revokedAt, createdAt };
  }
}

export class CreatedSessionResponse extends SessionResponse {
  /**
   * The credential for the user's browser (`Authorization: Bearer …` on /v1/client/{tenantSlug}/…). Shown once.
   * @example "cp_sess_0Vd8Yp2qXk…"
   */
  session: string;
}
