import { Inject, Injectable } from '@nestjs/common';
import { afterCursor, CursorPosition } from '../common/pagination/cursor';
import { DATABASE_CONNECTION, DatabaseConnection } from '../database/database-connection';
import { Db, PrismaService } from '../database/prisma.service';
import { Capability, Endpoint, Prisma, ProviderAccount, ProviderAccountStatus } from '../generated/prisma/client';

/** What the issuing pipeline reads of an endpoint, its provider account and its tenant. */
export interface IssuanceTarget {
  endpoint: Pick<Endpoint, 'id' | 'tenantId' | 'userId' | 'identity' | 'capabilities' | 'disabled' | 'providerData'>;
  account: Pick<
    ProviderAccount,
    'id' | 'tenantId' | 'provider' | 'status' | 'baseUrl' | 'config' | 'policy' | 'secretCiphertext' | 'updatedAt'
  >;
  tenantSettings: Prisma.JsonValue;
}

const ISSUANCE_SQL = `
  SELECT e.id, e.user_id AS "userId", e.identity, e.capabilities::text[] AS capabilities, e.disabled,
         e.provider_data AS "providerData", a.id AS "accountId", a.provider, a.status::text AS "accountStatus",
         a.base_url AS "baseUrl", a.config, a.policy, a.secret_ciphertext AS "secretCiphertext",
         a.updated_at AS "accountUpdatedAt", t.settings AS "tenantSettings"
  FROM endpoints e
  JOIN provider_accounts a ON a.tenant_id = e.tenant_id AND a.id = e.provider_account_id
  JOIN tenants t ON t.id = e.tenant_id
  WHERE e.tenant_id = $1`;

interface IssuanceRow {
  id: string;
  userId: string;
  identity: string;
  capabilities: Capability[];
  disabled: boolean;
  providerData: Prisma.JsonValue;
  accountId: string;
  provider: string;
  accountStatus: ProviderAccountStatus;
  baseUrl: string | null;
  config: Prisma.JsonValue;
  policy: Prisma.JsonValue;
  secretCiphertext: string;
  accountUpdatedAt: Date;
  tenantSettings: Prisma.JsonValue;
}

/** Every method is addressed by tenant first: a row of another tenant is simply not found. */
@Injectable()
export class EndpointsRepository {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(DATABASE_CONNECTION) private readonly db: DatabaseConnection,
  ) {}

  create(
    tenantId: string,
    data: {
      providerAccountId: string;
      userId: string;
      identity: string;
      capabilities: Capability[];
      disabled: boolean;
      providerData?: Prisma.InputJsonObject;
    },
    db: Db = this.prisma,
  ) {
    return db.endpoint.create({ data: { ...data, tenantId } });
  }

  find(tenantId: string, id: string, db: Db = this.prisma) {
    return db.endpoint.findUnique({ where: { tenantId_id: { tenantId, id } } });
  }

  /** Everything issuing a token needs (endpoint, its account, the tenant's settings), in one prepared statement (hot path). */
  async findForIssuance(
    tenantId: string,
    reference: { id: string } | { providerAccountId: string; userId: string },
  ): Promise<IssuanceTarget | undefined> {
    const [row] =
      'id' in reference
        ? await this.db.query<IssuanceRow>(`${ISSUANCE_SQL} AND e.id = $2`, [tenantId, reference.id], 'callpass_issuance_by_id')
        : await this.db.query<IssuanceRow>(
            `${ISSUANCE_SQL} AND e.provider_account_id = $2 AND e.user_id = $3`,
            [tenantId, reference.providerAccountId, reference.userId],
            'callpass_issuance_by_user',
          );
    if (!row) return undefined;
    return {
      endpoint: {
        id: row.id,
        tenantId,
        userId: row.userId,
        identity: row.identity,
        capabilities: row.capabilities,
        disabled: row.disabled,
        providerData: row.providerData,
      },
      account: {
        id: row.accountId,
        tenantId,
        provider: row.provider,
        status: row.accountStatus,
        baseUrl: row.baseUrl,
        config: row.config,
        policy: row.policy,
        secretCiphertext: row.secretCiphertext,
        updatedAt: row.accountUpdatedAt,
      },
      tenantSettings: row.tenantSettings,
    };
  }

  list(tenantId: string, filter: { userId?: string; providerAccountId?: string }, after: CursorPosition | undefined, take: number) {
    return this.prisma.endpoint.findMany({
      where: { tenantId, userId: filter.userId, providerAccountId: filter.providerAccountId, ...afterCursor('createdAt', after) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
    });
  }

  update(
    tenantId: string,
    id: string,
    data: { capabilities?: Capability[]; disabled?: boolean; providerData?: Prisma.InputJsonObject },
    db: Db = this.prisma,
  ) {
    return db.endpoint.update({ where: { tenantId_id: { tenantId, id } }, data });
  }

  async delete(tenantId: string, id: string, db: Db = this.prisma): Promise<void> {
    await db.endpoint.delete({ where: { tenantId_id: { tenantId, id } } });
  }
}
