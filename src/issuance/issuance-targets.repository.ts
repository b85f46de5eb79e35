import { Inject, Injectable } from '@nestjs/common';
import { DATABASE_CONNECTION, DatabaseConnection } from '../database/database-connection';
import { TenantCache, TenantCaches } from '../database/tenant-cache';
import { Capability, Endpoint, Prisma, ProviderAccount, ProviderAccountStatus, TenantStatus } from '../generated/prisma/client';
import { AccountPolicyDto } from '../provider-accounts/dto/account-policy.dto';
import { TenantSettingsDto } from '../tenants/dto/tenant-settings.dto';

/** Everything the issuing pipeline reads to mint: the tenant, the provider account and (for a user's token) the endpoint. */
export interface IssuanceTarget {
  tenant: { id: string; status: TenantStatus; settings: TenantSettingsDto };
  account: Pick<ProviderAccount, 'id' | 'tenantId' | 'provider' | 'status' | 'baseUrl' | 'config' | 'secretCiphertext' | 'updatedAt'> & {
    policy: AccountPolicyDto;
  };
  /** Absent for tokens minted for an account as a whole (a public click-to-call embed). */
  endpoint?: Pick<Endpoint, 'id' | 'tenantId' | 'userId' | 'identity' | 'capabilities' | 'disabled' | 'providerData'>;
}

const ACCOUNT_COLUMNS = `a.id AS "accountId", a.tenant_id AS "tenantId", a.provider, a.status::text AS "accountStatus",
  a.base_url AS "baseUrl", a.config, a.policy, a.secret_ciphertext AS "secretCiphertext", a.updated_at AS "accountUpdatedAt",
  t.status::text AS "tenantStatus", t.settings AS "tenantSettings"`;
const ENDPOINT_COLUMNS = `e.id, e.user_id AS "userId", e.identity, e.capabilities::text[] AS capabilities, e.disabled,
  e.provider_data AS "providerData"`;
const ENDPOINT_SQL = `SELECT ${ENDPOINT_COLUMNS}, ${ACCOUNT_COLUMNS}
  FROM endpoints e
  JOIN provider_accounts a ON a.tenant_id = e.tenant_id AND a.id = e.provider_account_id
  JOIN tenants t ON t.id = e.tenant_id
  WHERE e.tenant_id = $1`;
const ACCOUNT_SQL = `SELECT ${ACCOUNT_COLUMNS} FROM provider_accounts a JOIN tenants t ON t.id = a.tenant_id`;
const TARGETS_KEPT = 10_000;

interface AccountRow {
  accountId: string;
  tenantId: string;
  provider: string;
  accountStatus: ProviderAccountStatus;
  baseUrl: string | null;
  config: Prisma.JsonValue;
  policy: Prisma.JsonValue;
  secretCiphertext: string;
  accountUpdatedAt: Date;
  tenantStatus: TenantStatus;
  tenantSettings: Prisma.JsonValue;
}

interface EndpointRow extends AccountRow {
  id: string;
  userId: string;
  identity: string;
  capabilities: Capability[];
  disabled: boolean;
  providerData: Prisma.JsonValue;
}

/**
 * The one loader of issuance targets, run on the token hot path as named prepared statements (outside Prisma, whose
 * handling costs several times the statement). Addressed by tenant first, except where a public route knows only
 * an account id.
 */
@Injectable()
export class IssuanceTargetsRepository {
  /** Each query's rows by its arguments; a tenant's entries go whenever its data changes (TenantCache). */
  private readonly cache: TenantCache<IssuanceTarget[]>;

  constructor(
    @Inject(DATABASE_CONNECTION) private readonly db: DatabaseConnection,
    caches: TenantCaches,
  ) {
    this.cache = caches.create(TARGETS_KEPT);
  }

  async byEndpoint(tenantId: string, endpointId: string): Promise<IssuanceTarget | undefined> {
    const [target] = await this.endpoints(tenantId, 'e.id = $2', [endpointId], 'callpass_target_by_endpoint');
    return target;
  }

  async byAccountAndUser(tenantId: string, accountId: string, userId: string): Promise<IssuanceTarget | undefined> {
    const [target] = await this.endpoints(
      tenantId,
      'e.provider_account_id = $2 AND e.user_id = $3',
      [accountId, userId],
      'callpass_target_by_user',
    );
    return target;
  }

  /** Every endpoint of one user (a user has one per provider account at most). */
  ofUser(tenantId: string, userId: string): Promise<IssuanceTarget[]> {
    return this.endpoints(tenantId, 'e.user_id = $2', [userId], 'callpass_targets_of_user');
  }

  async account(tenantId: string, accountId: string): Promise<IssuanceTarget | undefined> {
    const [target] = await this.accounts(tenantId, 'a.id = $2', [accountId], 'callpass_target_account');
    return target;
  }

  /** The tenant's accounts a user with no endpoint may be enrolled on (`policy.autoEnroll`). */
  enrollableAccounts(tenantId: string): Promise<IssuanceTarget[]> {
    return this.accounts(tenantId, "(a.policy->>'autoEnroll')::boolean IS TRUE ORDER BY a.created_at", [], 'callpass_enrollable_accounts');
  }

  /** For a public route that knows only an account id; the tenant comes from the account (not cached: no tenant to key it by). */
  async accountOfAnyTenant(accountId: string): Promise<IssuanceTarget | undefined> {
    const [row] = await this.db.query<AccountRow>(`${ACCOUNT_SQL} WHERE a.id = $1`, [accountId], 'callpass_target_public_account');
    return row && accountOnly(row);
  }

  private endpoints(tenantId: string, where: string, args: string[], name: string): Promise<IssuanceTarget[]> {
    return this.cached(tenantId, name, args, async () => {
      const rows = await this.db.query<EndpointRow>(`${ENDPOINT_SQL} AND ${where}`, [tenantId, ...args], name);
      return rows.map(withEndpoint);
    });
  }

  private accounts(tenantId: string, where: string, args: string[], name: string): Promise<IssuanceTarget[]> {
    return this.cached(tenantId, name, args, async () => {
      const rows = await this.db.query<AccountRow>(`${ACCOUNT_SQL} WHERE a.tenant_id = $1 AND ${where}`, [tenantId, ...args], name);
      return rows.map(accountOnly);
    });
  }

  private async cached(tenantId: string, name: string, args: string[], load: () => Promise<IssuanceTarget[]>): Promise<IssuanceTarget[]> {
    const key = JSON.stringify([name, tenantId, ...args]);
    return (await this.cache.get(key, load, () => tenantId)) ?? [];
  }
}

function accountOnly(row: AccountRow): IssuanceTarget {
  return {
    tenant: { id: row.tenantId, status: row.tenantStatus, settings: row.tenantSettings as TenantSettingsDto },
    account: {
      id: row.accountId,
      tenantId: row.tenantId,
      provider: row.provider,
      status: row.accountStatus,
      baseUrl: row.baseUrl,
      config: row.config,
      policy: row.policy as AccountPolicyDto,
      secretCiphertext: row.secretCiphertext,
      updatedAt: row.accountUpdatedAt,
    },
  };
}

function withEndpoint(row: EndpointRow): IssuanceTarget {
  return {
    ...accountOnly(row),
    endpoint: {
      id: row.id,
      tenantId: row.tenantId,
      userId: row.userId,
      identity: row.identity,
      capabilities: row.capabilities,
      disabled: row.disabled,
      providerData: row.providerData,
    },
  };
}
