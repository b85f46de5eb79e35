import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { TenantActor } from '../auth/principal';
import { Clock } from '../common/clock/clock';
import { requireRecentSignIn } from '../console/recent-sign-in';
import { isUuid, uuidv7 } from '../common/ids';
import { decodeCursor, DEFAULT_PAGE_SIZE, Page, toPage } from '../common/pagination/cursor';
import { generateSessionCredential } from '../crypto/api-key-codec';
import { ProviderAccountsService } from '../provider-accounts/provider-accounts.service';
import { TenantsRepository } from '../tenants/tenants.repository';
import { CreateSessionDto, DEFAULT_SESSION_SECONDS } from './dto/create-session.dto';
import { ListSessionsQueryDto } from './dto/list-sessions-query.dto';
import { EndUserSessionsRepository } from './end-user-sessions.repository';
import { endUserErrors } from './end-users.errors';
import { CreatedSessionResponse, SessionResponse } from './session.response';

/** Callpass end-user sessions: for tenants with no identity provider, their backend vouches for the user. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: EndUserSessionsRepository,
    private readonly tenants: TenantsRepository,
    private readonly accounts: ProviderAccountsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  create(actor: TenantActor, dto: CreateSessionDto): Promise<CreatedSessionResponse> {
    const tenantId = actor.principal.tenantId;
    return this.audit.recordChange(actor, 'end_user_session.created', { type: 'end_user_session' }, async (tx) => {
      requireRecentSignIn(actor.principal, this.clock.now());
      if (!(await this.tenants.find(tenantId, tx))?.endUserSessions) throw endUserErrors.end_user_sessions_disabled();
      if (dto.providerAccountId) await this.accounts.get(tenantId, dto.providerAccountId, tx);
      const now = this.clock.now();
      const credential = generateSessionCredential();
      const session = await this.sessions.create(
        tenantId,
        {
          id: uuidv7(now.getTime()),
          userId: dto.userId,
          prefix: credential.prefix,
          secretHash: credential.secretHash,
          capabilities: dto.capabilities ?? [],
          providerAccountId: dto.providerAccountId,
          expiresAt: new Date(now.getTime() + (dto.ttlSeconds ?? DEFAULT_SESSION_SECONDS) * 1000),
          createdByKeyId: actor.principal.keyId,
        },
        tx,
      );
      return {
        result: { ...SessionResponse.from(session), session: credential.key },
        target: { id: session.id },
        details: {
          userId: session.userId,
          capabilities: session.capabilities,
          providerAccountId: session.providerAccountId,
          expiresAt: session.expiresAt,
        },
      };
    });
  }

  async list(tenantId: string, query: ListSessionsQueryDto): Promise<Page<SessionResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.sessions.list(tenantId, { userId: query.userId }, decodeCursor(query.cursor), limit + 1);
    return toPage(
      rows,
      limit,
      (row) => row.createdAt,
      (row) => SessionResponse.from(row),
    );
  }

  async get(tenantId: string, id: string): Promise<SessionResponse> {
    const session = isUuid(id) ? await this.sessions.find(tenantId, id) : null;
    if (!session) throw endUserErrors.end_user_session_not_found();
    return SessionResponse.from(session);
  }

  /** The session's next request is refused. Revoking twice keeps the first revocation time. */
  revoke(actor: TenantActor, id: string): Promise<SessionResponse> {
    const tenantId = actor.principal.tenantId;
    return this.audit.recordChange(actor, 'end_user_session.revoked', { type: 'end_user_session', id }, async (tx) => {
      const session = isUuid(id) ? await this.sessions.find(tenantId, id, tx) : null;
      if (!session) throw endUserErrors.end_user_session_not_found();
      const revoked = session.revokedAt ? session : await this.sessions.revoke(tenantId, id, this.clock.now(), tx);
      return { result: SessionResponse.from(revoked), details: { userId: session.userId } };
    });
  }
}
