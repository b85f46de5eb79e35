import { Inject, Injectable } from '@nestjs/common';
import { DATABASE_CONNECTION, DatabaseConnection } from '../database/database-connection';
import { HOT_PATH, HotPathStatement } from '../database/hot-path-statements';
import { TenantCache, TenantCachesService } from '../database/tenant-cache';
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
 * The one loader of issuance targets, run on the token hot path (database/hot-path-statements.ts) and cached.
 * Addressed by tenant first, except where a public route knows only an account id.
 */
@Injectable()
export class IssuanceTargetsRepository {
  /** Each query's rows by its arguments; a tenant's entries go whenever its data changes (TenantCache). */
  private readonly cache: TenantCache<IssuanceTarget[]>;

  constructor(
    @Inject(DATABASE_CONNECTION) private readonly db: DatabaseConnection,
    caches: TenantCachesService,
  ) {
    this.cache = caches.create('issuance_targets', TARGETS_KEPT);
  }

  async byEndpoint(tenantId: string, endpointId: string): Promise<IssuanceTarget | undefined> {
    const [target] = await this.endpoints(HOT_PATH.targetByEndpoint, tenantId, [endpointId]);
    return target;
  }

  async byAccountAndUser(tenantId: string, accountId: string, userId: string): Promise<IssuanceTarget | undefined> {
    const [target] = await this.endpoints(HOT_PATH.targetByUser, tenantId, [accountId, userId]);
    return target;
  }

  /** Every endpoint of one user (a user has one per provider account at most). */
  ofUser(tenantId: string, userId: string): Promise<IssuanceTarget[]> {
    return this.endpoints(HOT_PATH.targetsOfUser, tenantId, [userId]);
  }

  async account(tenantId: string, accountId: string): Promise<IssuanceTarget | undefined> {
    const [target] = await this.accounts(HOT_PATH.targetAccount, tenantId, [accountId]);
    return target;
  }

  /** The tenant's accounts a user with no endpoint may be enrolled on (`policy.autoEnroll`). */
  enrollableAccounts(tenantId: string): Promise<IssuanceTarget[]> {
    return this.accounts(HOT_PATH.enrollableAccounts, tenantId, []);
  }

  /** For a public route that knows only an account id; the tenant comes from the account (not cached: no tenant to key it by). */
  async accountOfAnyTenant(accountId: string): Promise<IssuanceTarget | undefined> {
    const { text, name } = HOT_PATH.targetPublicAccount;
    const [row] = await this.db.query<AccountRow>(text, [accountId], name);
    return row && accountOnly(row);
  }

  private endpoints({ text, name }: HotPathStatement, tenantId: string, args: string[]): Promise<IssuanceTarget[]> {
    return this.cached(tenantId, name, args, async () =>
      (await this.db.query<EndpointRow>(text, [tenantId, ...args], name)).map(withEndpoint),
    );
  }

  private accounts({ text, name }: HotPathStatement, tenantId: string, args: string[]): Promise<IssuanceTarget[]> {
    return this.cached(tenantId, name, args, async () =>
      (await this.db.query<AccountRow>(text, [tenantId, ...args], name)).map(accountOnly),
    );
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
