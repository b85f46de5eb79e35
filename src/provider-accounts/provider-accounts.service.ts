import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { TenantActor } from '../auth/principal';
import { invalidField } from '../common/errors/validation-errors';
import { isUuid, uuidv7 } from '../common/ids';
import { toJsonObject } from '../common/json';
import { decodeCursor, DEFAULT_PAGE_SIZE, Page, toPage } from '../common/pagination/cursor';
import { validateObject } from '../common/validation/validate-object';
import { DecryptionError, SecretBox } from '../crypto/secret-box';
import { Db } from '../database/prisma.service';
import { TenantCache, TenantCachesService } from '../database/tenant-cache';
import { isUniqueViolation } from '../database/prisma-errors';
import { ProviderAccount } from '../generated/prisma/client';
import { ProviderRegistry } from '../providers/provider-registry';
import { CreateProviderAccountDto } from './dto/create-provider-account.dto';
import { ListProviderAccountsQueryDto } from './dto/list-provider-accounts-query.dto';
import { UpdateProviderAccountDto } from './dto/update-provider-account.dto';
import { ProviderAccountResponse } from './provider-account.response';
import { providerAccountErrors } from './provider-accounts.errors';
import { ProviderAccountsRepository } from './provider-accounts.repository';
import { openAccount, OpenableAccount, openSecrets, readAccountSecrets, sealSecrets } from './provider-secrets';
import { AccountContext, ProviderAdapter } from '../providers/provider-adapter';
import { providedFields } from '../common/provided-fields';
import { OutboundPolicyService } from '../outbound/outbound-policy';
import { ProviderHttpClient } from '../providers/http/provider-http-client';

const OPENED_ACCOUNTS_KEPT = 10_000;

@Injectable()
export class ProviderAccountsService {
  private readonly opened: TenantCache<AccountContext>;

  constructor(
    private readonly accounts: ProviderAccountsRepository,
    private readonly registry: ProviderRegistry,
    private readonly secretBox: SecretBox,
    private readonly audit: AuditService,
    private readonly outbound: OutboundPolicyService,
    private readonly http: ProviderHttpClient,
    caches: TenantCachesService,
  ) {
    this.opened = caches.create('opened_accounts', OPENED_ACCOUNTS_KEPT);
  }

  create(actor: TenantActor, dto: CreateProviderAccountDto): Promise<ProviderAccountResponse> {
    const tenantId = actor.principal.tenantId;
    const adapter = this.registry.get(dto.provider);
    if (dto.baseUrl) this.outbound.assertAllowed(dto.baseUrl, 'baseUrl');
    const config = validateObject(adapter.configSchema, dto.config, 'config');
    const secrets = validateObject(adapter.secretsSchema, dto.secrets, 'secrets');
    checkDelegableOptions(adapter, dto.policy?.endUserOptions);
    const id = uuidv7();
    return this.audit.recordChange(actor, 'provider_account.created', { type: 'provider_account', id }, async (tx) => {
      const account = await this.accounts
        .create(
          tenantId,
          {
            id,
            provider: adapter.name,
            name: dto.name,
            baseUrl: dto.baseUrl ?? null,
            config: toJsonObject(config),
            policy: toJsonObject(dto.policy ?? {}),
            ...sealSecrets(this.secretBox, tenantId, id, secrets),
          },
          tx,
        )
        .catch(this.nameTaken);
      return { result: this.respond(account), details: { provider: account.provider, name: account.name } };
    });
  }

  /** The tenant's account, or `provider_account_not_found` (also for another tenant's id). */
  async get(tenantId: string, id: string, db?: Db): Promise<ProviderAccount> {
    const account = isUuid(id) ? await this.accounts.find(tenantId, id, db) : null;
    if (!account) throw providerAccountErrors.provider_account_not_found();
    return account;
  }

  /** The account as the API shows it, with its circuit's state now. */
  respond(account: ProviderAccount): ProviderAccountResponse {
    return ProviderAccountResponse.from(account, this.http.circuitOf(account.id));
  }

  async list(tenantId: string, query: ListProviderAccountsQueryDto): Promise<Page<ProviderAccountResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.accounts.list(tenantId, query, decodeCursor(query.cursor), limit + 1);
    return toPage(
      rows,
      limit,
      (row) => row.createdAt,
      (row) => this.respond(row),
    );
  }

  async update(actor: TenantActor, id: string, dto: UpdateProviderAccountDto): Promise<ProviderAccountResponse> {
    const tenantId = actor.principal.tenantId;
    if (dto.baseUrl) this.outbound.assertAllowed(dto.baseUrl, 'baseUrl');
    const updated = await this.audit.recordChange(actor, 'provider_account.updated', { type: 'provider_account', id }, async (tx) => {
      const current = await this.get(tenantId, id, tx);
      const adapter = this.registry.get(current.provider);
      checkDelegableOptions(adapter, dto.policy?.endUserOptions);
      const config = dto.config && {
        config: toJsonObject(
          validateObject(adapter.configSchema, toJsonObject({ ...(current.config as object), ...dto.config }), 'config'),
        ),
      };
      // Stored secrets are sent where baseUrl and the provider's destination fields say: whoever moves them must
      // prove they know the secrets (a leaked tenant key alone must not be enough to have them delivered elsewhere).
      const movesHost = movesDestination(current, dto.baseUrl, config?.config, adapter.destinationConfigFields);
      if (movesHost && !dto.secrets) {
        throw invalidField(
          'secrets',
          `changing ${['baseUrl', ...adapter.destinationConfigFields].join(' or ')} requires sending the complete secrets again`,
        );
      }
      const secrets = dto.secrets && {
        ...sealSecrets(
          this.secretBox,
          tenantId,
          id,
          validateObject(
            adapter.secretsSchema,
            toJsonObject({ ...(movesHost ? {} : this.secretsForMerge(current)), ...dto.secrets }),
            'secrets',
          ),
        ),
      };
      const account = await this.accounts
        .update(
          tenantId,
          id,
          {
            name: dto.name,
            status: dto.status,
            baseUrl: dto.baseUrl,
            policy: dto.policy && toJsonObject(dto.policy),
            ...config,
            ...secrets,
          },
          tx,
        )
        .catch(this.nameTaken);
      return {
        result: this.respond(account),
        details: { changed: providedFields(dto), secretFieldsChanged: providedFields(dto.secrets ?? {}) },
      };
    });
    this.registry.forgetAccount(id);
    return updated;
  }

  async delete(actor: TenantActor, id: string): Promise<void> {
    const tenantId = actor.principal.tenantId;
    await this.audit.recordChange(actor, 'provider_account.deleted', { type: 'provider_account', id }, async (tx) => {
      const account = await this.get(tenantId, id, tx);
      const endpoints = await this.accounts.countEndpoints(tenantId, id, tx);
      if (endpoints > 0) throw providerAccountErrors.provider_account_in_use({ endpoints });
      await this.accounts.delete(tenantId, id, tx);
      return { result: undefined, details: { provider: account.provider, name: account.name } };
    });
    this.registry.forgetAccount(id);
  }

  /**
   * Adds settings a provider created on the account's behalf (e.g. Plivo's application id), inside a caller's
   * change. Reads the account afresh and fills only what is still unset, so a concurrent change is not undone.
   */
  async addMissingConfig(tenantId: string, id: string, patch: Record<string, unknown>, tx: Db): Promise<void> {
    const config = (await this.get(tenantId, id, tx)).config as Record<string, unknown>;
    const missing = Object.fromEntries(Object.entries(patch).filter(([field]) => config[field] === undefined));
    if (Object.keys(missing).length > 0) await this.accounts.update(tenantId, id, { config: toJsonObject({ ...config, ...missing }) }, tx);
  }

  /** Decrypted secrets of an account row; `provider_account_unreadable` if they cannot be decrypted. */
  secretsOf(account: Pick<ProviderAccount, 'id' | 'tenantId' | 'secretCiphertext'>): Record<string, unknown> {
    return readAccountSecrets(this.secretBox, account);
  }

  /**
   * The account as its adapter takes it: config, decrypted secrets and base URL. Kept opened like the rows it comes
   * from (TenantCache: seconds at most, gone when the tenant's data changes), so that the hot path does not decrypt
   * on every token. Its secrets change only with the row's updatedAt (a re-wrap changes the ciphertext, not them).
   */
  open(account: OpenableAccount): AccountContext {
    return this.opened.remember(`${account.id}:${account.updatedAt.getTime()}`, account.tenantId, () =>
      openAccount(this.secretBox, account),
    );
  }

  /** Stored secrets to merge an update into; unreadable ones (lost key) can still be replaced by a full set. */
  private secretsForMerge(account: ProviderAccount): Record<string, unknown> {
    try {
      return openSecrets(this.secretBox, account.tenantId, account.id, account.secretCiphertext);
    } catch (error) {
      if (error instanceof DecryptionError) return {};
      throw error;
    }
  }

  private readonly nameTaken = (error: unknown): never => {
    throw isUniqueViolation(error) ? providerAccountErrors.provider_account_name_taken() : error;
  };
}

/** Whether an update sends the stored secrets somewhere else: a new baseUrl, or a new value of a destination field. */
function movesDestination(
  current: ProviderAccount,
  baseUrl: string | null | undefined,
  nextConfig: Record<string, unknown> | undefined,
  destinationFields: readonly string[],
): boolean {
  if (baseUrl !== undefined && baseUrl !== current.baseUrl) return true;
  const stored = current.config as Record<string, unknown>;
  return nextConfig !== undefined && destinationFields.some((field) => nextConfig[field] !== stored[field]);
}

/** `policy.endUserOptions` may name only options one of the provider's token kinds lets a tenant delegate. */
function checkDelegableOptions(adapter: ProviderAdapter, names: string[] | undefined): void {
  const delegable = new Set(Object.values(adapter.tokenKinds).flatMap((kind) => kind.delegableOptions ?? []));
  const refused = (names ?? []).filter((name) => !delegable.has(name));
  if (refused.length) {
    const allowed = delegable.size ? `only ${[...delegable].join(', ')}` : 'none';
    throw invalidField('policy.endUserOptions', `${adapter.name} accounts may let end users set ${allowed}, not ${refused.join(', ')}`);
  }
}
