import { Injectable } from '@nestjs/common';
import { authErrors } from '../auth/auth.errors';
import { EndUserPrincipal } from '../auth/principal';
import { AppError, ErrorSubject } from '../common/errors/app-error';
import { Clock } from '../common/clock/clock';
import { hashApiKey, isSessionCredential } from '../crypto/api-key-codec';
import { TenantsBySlugService } from '../tenants/tenants-by-slug';
import { EndUserRevocationsRepository } from './end-user-revocations.repository';
import { EndUserSessionsRepository } from './end-user-sessions.repository';
import { endUserErrors } from './end-users.errors';
import { IdentityTokenVerifierService, VerifiedIdentity } from './identity-token-verifier';

/**
 * Turns an end user's credential, presented on a tenant's browser route, into a principal: a JWT from one of the
 * tenant's identity providers, or a Callpass session (`cp_sess_…`). The tenant is the route's; the user is the
 * credential's. What it reads is cached only until its tenant changes (TenantCache), so a revocation holds from the
 * next request on, on every replica.
 */
@Injectable()
export class EndUserAuthenticatorService {
  constructor(
    private readonly tenants: TenantsBySlugService,
    private readonly sessions: EndUserSessionsRepository,
    private readonly revocations: EndUserRevocationsRepository,
    private readonly verifier: IdentityTokenVerifierService,
    private readonly clock: Clock,
  ) {}

  /** A JWT from one of the tenant's identity providers. */
  async fromIdentityToken(tenantSlug: string, token: string | undefined): Promise<EndUserPrincipal> {
    if (!token) throw endUserErrors.end_user_auth_required();
    const tenant = await this.tenants.find(tenantSlug);
    // An unknown slug is answered as a tenant that trusts no issuer would answer: tenants cannot be enumerated.
    if (!tenant) return this.verifier.refuseWithoutIssuers(token);
    return refusalsAbout({ actorKind: 'end_user', tenantId: tenant.id }, async () => {
      const identity = await this.verifier.verify(tenant.id, token);
      // After the credential, as for sessions: a suspended tenant is told apart only by its own users.
      if (tenant.status !== 'active') throw authErrors.tenant_suspended();
      await this.refuseIfRevoked(tenant.id, identity);
      return {
        kind: 'end_user',
        tenantId: tenant.id,
        userId: identity.userId,
        credential: { method: 'jwt', issuer: identity.issuer, expiresAt: identity.expiresAt },
      };
    });
  }

  /**
   * What the browser route would decide about a JWT for the tenant, short of minting (the console's "test a token"):
   * the same verification and revocation check, without the rate limits and token log that belong to the route.
   */
  async checkIdentityToken(tenantId: string, token: string): Promise<VerifiedIdentity> {
    const identity = await this.verifier.verify(tenantId, token);
    await this.refuseIfRevoked(tenantId, identity);
    return identity;
  }

  /** A Callpass session (`cp_sess_…`) the tenant's backend created. */
  async fromSession(tenantSlug: string, credential: string): Promise<EndUserPrincipal> {
    // Malformed credentials and bad checksums are refused before touching the database.
    const session = isSessionCredential(credential) ? await this.sessions.findForAuthentication(hashApiKey(credential)) : undefined;
    // Another tenant's session is no session here.
    if (!session || session.tenantSlug !== tenantSlug) throw endUserErrors.end_user_session_invalid();
    return refusalsAbout({ actorKind: 'end_user', actorId: `session:${session.id}`, tenantId: session.tenantId }, async () => {
      if (!session.sessionsEnabled) throw endUserErrors.end_user_session_invalid();
      if (session.revokedAt || session.creatorRevokedAt) throw endUserErrors.end_user_session_revoked();
      if (session.expiresAt <= this.clock.now()) throw endUserErrors.end_user_session_expired();
      if (session.tenantStatus !== 'active') throw authErrors.tenant_suspended();
      return {
        kind: 'end_user',
        tenantId: session.tenantId,
        userId: session.userId,
        credential: {
          method: 'session',
          sessionId: session.id,
          capabilities: session.capabilities,
          providerAccountId: session.providerAccountId ?? undefined,
          expiresAt: session.expiresAt,
        },
      };
    });
  }

  private async refuseIfRevoked(tenantId: string, identity: VerifiedIdentity): Promise<void> {
    const revokedBefore = await this.revocations.revokedBefore(tenantId, identity.userId);
    // `iat` has whole seconds, and the issuer's clock may run ahead by the allowed skew: a token stamped within
    // that margin of the revocation is refused too (the user signs in again a little later).
    const revokedUntil = revokedBefore && Math.floor(revokedBefore.getTime() / 1000) + identity.clockSkewSeconds;
    if (!revokedUntil || identity.issuedAt > revokedUntil) return;
    // The first whole second whose `iat` passes the cutoff: a token the IdP issues from then on works.
    const signInAfter = new Date((revokedUntil + 1) * 1000);
    const signInAfterSeconds = Math.max(0, Math.ceil((signInAfter.getTime() - this.clock.now().getTime()) / 1000));
    const when = signInAfterSeconds > 0 ? `from ${signInAfter.toISOString()} (in ${signInAfterSeconds} s)` : 'now';
    throw endUserErrors
      .end_user_revoked(
        { signInAfter: signInAfter.toISOString(), signInAfterSeconds },
        `This user was signed out by the tenant; a token issued before the revocation (plus the issuer's clock skew) is refused: sign in again ${when}`,
      )
      .about({ actorKind: 'end_user', actorId: `issuer:${identity.issuer}`, tenantId });
  }
}

/** Notes who was refused (for the token log's counts), once the tenant is known. */
async function refusalsAbout<T>(subject: ErrorSubject, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof AppError ? error.about(subject) : error;
  }
}
