import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ApiKeyAuthenticatorService } from '../api-keys/api-key-authenticator.service';
import { AuditService } from '../audit/audit.service';
import { Actor, AdminPrincipal, TenantPrincipal } from '../auth/principal';
import { Clock } from '../common/clock/clock';
import { uuidv7 } from '../common/ids';
import { AppConfig } from '../config/app-config';
import { consoleErrors } from './console.errors';
import { ConsoleSessionResponse } from './console-session.response';
import { ConsoleSessionsRepository } from './console-sessions.repository';

export type ConsolePrincipal = (AdminPrincipal | TenantPrincipal) & { consoleSessionId: string; consoleSignedInAt: Date };

/** How often a session's last use is written at most: its idle timeout is kept to this resolution, or a quarter of it. */
const LAST_SEEN_RESOLUTION_MS = 60_000;

/**
 * Console sign-in: a tenant or admin key exchanged for a session (an HttpOnly cookie holding a random secret, of
 * which only a hash is stored). Each request with the cookie authenticates as the key that opened it, checked as
 * the key itself would be, so the console never does more than the key and stops with it. Writes must also carry a
 * CSRF token derived from the secret, which the console reads from the session (same origin only).
 */
@Injectable()
export class ConsoleSessionsService {
  constructor(
    private readonly sessions: ConsoleSessionsRepository,
    private readonly keys: ApiKeyAuthenticatorService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  /**
   * `from`: where the request came from, for the audit log; `previousSecret`: the cookie the browser still had, whose
   * session ends here (a browser holds one session).
   */
  async signIn(
    key: string,
    from: Omit<Actor, 'principal'>,
    previousSecret?: string,
  ): Promise<{ secret: string; session: ConsoleSessionResponse }> {
    if (!this.config.consoleEnabled) throw consoleErrors.console_disabled();
    const principal = await this.keys.authenticate(key);
    if (previousSecret) await this.sessions.revoke({ secretHash: hashOf(previousSecret) }, this.clock.now());
    if (principal.kind !== 'admin' && principal.kind !== 'tenant') throw consoleErrors.console_key_not_allowed();
    const secret = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const session = { id: uuidv7(), createdAt: now, lastSeenAt: now, expiresAt: new Date(now.getTime() + this.config.consoleSessionMs) };
    await this.sessions.create({ ...session, apiKeyId: principal.keyId, secretHash: hashOf(secret) });
    const opened: ConsolePrincipal = { ...principal, consoleSessionId: session.id, consoleSignedInAt: now };
    await this.audit.recordEvent({ ...from, principal: opened }, 'console_session.opened', targetOf(opened), {
      expiresAt: session.expiresAt.toISOString(),
    });
    return { secret, session: this.describe(opened, session.expiresAt, secret) };
  }

  /** The principal of the session whose cookie holds `secret`; `csrfToken` is what a write carried (undefined: a read). */
  async authenticate(secret: string, csrfToken?: string): Promise<ConsolePrincipal> {
    if (!this.config.consoleEnabled) throw consoleErrors.console_disabled();
    const session = await this.sessions.findForAuthentication(hashOf(secret));
    if (!session) throw consoleErrors.console_session_invalid();
    if (session.revokedAt) throw consoleErrors.console_session_revoked();
    const now = this.clock.now();
    if (session.expiresAt <= now || now.getTime() - session.lastSeenAt.getTime() >= this.config.consoleIdleMs) {
      throw consoleErrors.console_session_expired();
    }
    if (csrfToken !== undefined && !sameText(csrfToken, csrfTokenOf(secret))) throw consoleErrors.csrf_token_invalid();
    const principal = await this.keys.authenticateHash(session.keyHash);
    if (principal.kind !== 'admin' && principal.kind !== 'tenant') throw consoleErrors.console_session_invalid();
    const staleBefore = new Date(now.getTime() - Math.min(LAST_SEEN_RESOLUTION_MS, this.config.consoleIdleMs / 4));
    if (session.lastSeenAt < staleBefore) await this.sessions.touch(session.id, now, staleBefore);
    return { ...principal, consoleSessionId: session.id, consoleSignedInAt: session.createdAt };
  }

  async current(principal: ConsolePrincipal, secret: string): Promise<ConsoleSessionResponse> {
    const session = await this.sessions.findForAuthentication(hashOf(secret));
    if (!session || session.id !== principal.consoleSessionId) throw consoleErrors.console_session_invalid();
    return this.describe(principal, session.expiresAt, secret);
  }

  async signOut(actor: Actor<ConsolePrincipal>): Promise<void> {
    await this.sessions.revoke({ id: actor.principal.consoleSessionId }, this.clock.now());
    await this.audit.recordEvent(actor, 'console_session.closed', targetOf(actor.principal));
  }

  private describe(principal: ConsolePrincipal, expiresAt: Date, secret: string): ConsoleSessionResponse {
    return {
      id: principal.consoleSessionId,
      kind: principal.kind,
      tenantId: principal.kind === 'tenant' ? principal.tenantId : null,
      keyId: principal.keyId,
      expiresAt,
      idleMinutes: this.config.consoleIdleMs / 60_000,
      csrfToken: csrfTokenOf(secret),
    };
  }
}

function targetOf(principal: ConsolePrincipal) {
  return {
    type: 'console_session',
    id: principal.consoleSessionId,
    tenantId: principal.kind === 'tenant' ? principal.tenantId : undefined,
  };
}

function hashOf(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Derived from the cookie's secret, which scripts cannot read: only a page that asked the service has it. */
function csrfTokenOf(secret: string): string {
  return createHmac('sha256', secret).update('callpass console csrf').digest('base64url');
}

function sameText(presented: string, expected: string): boolean {
  const [a, b] = [Buffer.from(presented), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
}
