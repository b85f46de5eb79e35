import { Inject, Injectable } from '@nestjs/common';
import { afterCursor, CursorPosition } from '../common/pagination/cursor';
import { DATABASE_CONNECTION, DatabaseConnection } from '../database/database-connection';
import { HOT_PATH } from '../database/hot-path-statements';
import { Db, PrismaService } from '../database/prisma.service';
import { ApiKeyKind } from '../generated/prisma/client';

export interface AuthenticationRow {
  id: string;
  kind: ApiKeyKind;
  tenantId: string | null;
  scopes: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  tenantStatus: 'active' | 'suspended' | null;
}

export interface NewApiKey {
  kind: ApiKeyKind;
  tenantId?: string;
  name: string;
  prefix: string;
  secretHash: string;
  scopes?: string[];
  expiresAt?: Date;
  createdByKeyId?: string;
}

/**
 * Tenant keys are always addressed through their tenant (`tenantId` first); admin and service keys,
 * which belong to no tenant, through their kind.
 */
@Injectable()
export class ApiKeysRepository {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(DATABASE_CONNECTION) private readonly db: DatabaseConnection,
  ) {}

  /** The per-request lookup: the key and its tenant's status, by hash, in one prepared statement (hot path). */
  async findForAuthentication(secretHash: string): Promise<AuthenticationRow | undefined> {
    const { text, name } = HOT_PATH.authenticateKey;
    const [row] = await this.db.query<AuthenticationRow>(text, [secretHash], name);
    return row;
  }

  /** Conditional, so replicas touching the same key within the window write at most once. */
  async touchLastUsed(id: string, now: Date, staleBefore: Date): Promise<void> {
    await this.prisma.apiKey.updateMany({
      where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: staleBefore } }] },
      data: { lastUsedAt: now },
    });
  }

  create(key: NewApiKey, db: Db = this.prisma) {
    return db.apiKey.create({ data: { ...key, scopes: key.scopes ?? [] } });
  }

  /** Inserts the key unless a key with the same hash exists; safe when replicas race. */
  async createIfAbsent(key: NewApiKey): Promise<boolean> {
    const { count } = await this.prisma.apiKey.createMany({ data: [{ ...key, scopes: [] }], skipDuplicates: true });
    return count === 1;
  }

  /** Whether any admin key can still be used (not revoked, not expired). */
  async hasUsableAdminKey(now: Date): Promise<boolean> {
    const usable = await this.prisma.apiKey.count({
      where: { kind: 'admin', revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
    });
    return usable > 0;
  }

  list(owner: KeyOwner, after: CursorPosition | undefined, take: number) {
    return this.prisma.apiKey.findMany({
      where: { ...ownerWhere(owner), ...afterCursor('createdAt', after) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
    });
  }

  find(owner: KeyOwner, id: string, db: Db = this.prisma) {
    return db.apiKey.findFirst({ where: { id, ...ownerWhere(owner) } });
  }

  /** Revokes once: a second call leaves the first revocation time in place. */
  async revoke(owner: KeyOwner, id: string, at: Date, db: Db = this.prisma) {
    await db.apiKey.updateMany({ where: { id, revokedAt: null, ...ownerWhere(owner) }, data: { revokedAt: at } });
    return this.find(owner, id, db);
  }
}

export type KeyOwner = { tenantId: string } | { kind: 'admin' | 'service' };

function ownerWhere(owner: KeyOwner) {
  return 'tenantId' in owner ? { tenantId: owner.tenantId, kind: 'tenant' as const } : { kind: owner.kind, tenantId: null };
}
