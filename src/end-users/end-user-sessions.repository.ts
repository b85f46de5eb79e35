import { Inject, Injectable } from '@nestjs/common';
import { afterCursor, CursorPosition } from '../common/pagination/cursor';
import { DATABASE_CONNECTION, DatabaseConnection } from '../database/database-connection';
import { HOT_PATH } from '../database/hot-path-statements';
import { Db, PrismaService } from '../database/prisma.service';
import { TenantCache, TenantCachesService } from '../database/tenant-cache';
import { Capability } from '../generated/prisma/client';

export interface SessionAuthenticationRow {
  id: string;
  tenantId: string;
  userId: string;
  capabilities: Capability[];
  providerAccountId: string | null;
  expiresAt: Date;
  revokedAt: Date | null;
  tenantSlug: string;
  tenantStatus: 'active' | 'suspended';
  sessionsEnabled: boolean;
  /** When the tenant key that created the session was revoked: its sessions end with it. */
  creatorRevokedAt: Date | null;
}

export interface NewEndUserSession {
  id: string;
  userId: string;
  prefix: string;
  secretHash: string;
  capabilities: Capability[];
  providerAccountId?: string;
  expiresAt: Date;
  createdByKeyId: string;
}

/** Every method is addressed by tenant first, except the per-request lookup by the credential's hash. */
@Injectable()
export class EndUserSessionsRepository {
  /** By hash: a session's revocation, its creator key's and its tenant's changes are all changes of its tenant. */
  private readonly authentications: TenantCache<SessionAuthenticationRow>;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(DATABASE_CONNECTION) private readonly db: DatabaseConnection,
    caches: TenantCachesService,
  ) {
    this.authentications = caches.create('end_user_sessions', 100_000);
  }

  /** The session and its tenant's state, by hash, in one prepared statement (hot path), kept until it expires. */
  findForAuthentication(secretHash: string): Promise<SessionAuthenticationRow | undefined> {
    const load = async () => {
      const { text, name } = HOT_PATH.authenticateSession;
      const [row] = await this.db.query<SessionAuthenticationRow>(text, [secretHash], name);
      return row;
    };
    return this.authentications.get(
      secretHash,
      load,
      (row) => row.tenantId,
      (row) => row.expiresAt.getTime(),
    );
  }

  create(tenantId: string, session: NewEndUserSession, db: Db) {
    return db.endUserSession.create({ data: { ...session, tenantId } });
  }

  find(tenantId: string, id: string, db: Db = this.prisma) {
    return db.endUserSession.findUnique({ where: { tenantId_id: { tenantId, id } } });
  }

  list(tenantId: string, filter: { userId?: string }, after: CursorPosition | undefined, take: number) {
    return this.prisma.endUserSession.findMany({
      where: { tenantId, userId: filter.userId, ...afterCursor('createdAt', after) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
    });
  }

  revoke(tenantId: string, id: string, now: Date, db: Db) {
    return db.endUserSession.update({ where: { tenantId_id: { tenantId, id } }, data: { revokedAt: now } });
  }

  /** Revokes every live session of one user; returns how many. */
  async revokeAllOfUser(tenantId: string, userId: string, now: Date, db: Db): Promise<number> {
    const { count } = await db.endUserSession.updateMany({
      where: { tenantId, userId, revokedAt: null, expiresAt: { gt: now } },
      data: { revokedAt: now },
    });
    return count;
  }
}
