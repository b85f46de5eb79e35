import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Actor, TenantActor } from '../auth/principal';
import { invalidField } from '../common/errors/validation-errors';
import { isUuid } from '../common/ids';
import { toJsonObject } from '../common/json';
import { decodeCursor, DEFAULT_PAGE_SIZE, Page, toPage } from '../common/pagination/cursor';
import { providedFields } from '../common/provided-fields';
import { validateObject } from '../common/validation/validate-object';
import { Db } from '../database/prisma.service';
import { isUniqueViolation, isUniqueViolationOn } from '../database/prisma-errors';
import { Endpoint, Prisma, ProviderAccount } from '../generated/prisma/client';
import { ProviderAccountsService } from '../provider-accounts/provider-accounts.service';
import { ProviderAdapter } from '../providers/provider-adapter';
import { ProviderRegistry } from '../providers/provider-registry';
import { CreateEndpointDto } from './dto/create-endpoint.dto';
import { ListEndpointsQueryDto } from './dto/list-endpoints-query.dto';
import { UpdateEndpointDto } from './dto/update-endpoint.dto';
import { EndpointResponse } from './endpoint.response';
import { endpointErrors } from './endpoints.errors';
import { EndpointsRepository } from './endpoints.repository';

/** An endpoint ready to be stored: its identity settled, and the user created at the provider if asked for. */
interface PreparedEndpoint {
  account: ProviderAccount;
  adapter: ProviderAdapter;
  identity: string;
  providerData: Prisma.InputJsonObject;
  accountConfig?: Record<string, unknown>;
  provisioned: boolean;
}

@Injectable()
export class EndpointsService {
  private readonly logger = new Logger(EndpointsService.name);

  constructor(
    private readonly endpoints: EndpointsRepository,
    private readonly accounts: ProviderAccountsService,
    private readonly registry: ProviderRegistry,
    private readonly audit: AuditService,
  ) {}

  /** `actor` is the tenant's backend, or an end user (or a service) enrolled on first use. */
  async create(actor: Actor, tenantId: string, dto: CreateEndpointDto): Promise<EndpointResponse> {
    const target = { type: 'endpoint', tenantId };
    // Provider calls stay outside the transaction: a slow provider must not hold a database connection.
    const prepared = await this.prepare(tenantId, dto).catch(async (error: unknown) => {
      await this.audit.recordFailedChange(actor, 'endpoint.created', target, error);
      throw error;
    });
    try {
      return await this.audit.recordChange(actor, 'endpoint.created', target, async (tx) => {
        if (prepared.accountConfig) await this.accounts.addMissingConfig(tenantId, prepared.account.id, prepared.accountConfig, tx);
        const endpoint = await this.endpoints
          .create(
            tenantId,
            {
              providerAccountId: prepared.account.id,
              userId: dto.userId,
              identity: prepared.identity,
              capabilities: dto.capabilities ?? [],
              disabled: dto.disabled ?? false,
              providerData: prepared.providerData,
            },
            tx,
          )
          .catch((error: unknown) => {
            if (!isUniqueViolation(error)) throw error;
            throw isUniqueViolationOn(error, 'identity') ? endpointErrors.endpoint_identity_taken() : endpointErrors.endpoint_exists();
          });
        return {
          result: EndpointResponse.from(endpoint),
          target: { id: endpoint.id },
          details: {
            providerAccountId: prepared.account.id,
            userId: dto.userId,
            provisioned: prepared.provisioned,
            ...prepared.accountConfig,
          },
        };
      });
    } catch (error) {
      if (prepared.provisioned) await this.deprovisionQuietly(tenantId, prepared);
      throw error;
    }
  }

  /** The tenant's endpoint, or `endpoint_not_found` (also for another tenant's id). */
  async get(tenantId: string, id: string, db?: Db): Promise<Endpoint> {
    const endpoint = isUuid(id) ? await this.endpoints.find(tenantId, id, db) : null;
    if (!endpoint) throw endpointErrors.endpoint_not_found();
    return endpoint;
  }

  async list(tenantId: string, query: ListEndpointsQueryDto): Promise<Page<EndpointResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.endpoints.list(tenantId, query, decodeCursor(query.cursor), limit + 1);
    return toPage(
      rows,
      limit,
      (row) => row.createdAt,
      (row) => EndpointResponse.from(row),
    );
  }

  async update(actor: TenantActor, id: string, dto: UpdateEndpointDto): Promise<EndpointResponse> {
    const tenantId = actor.principal.tenantId;
    const target = { type: 'endpoint', id };
    // Options that name a user at the provider are read there first, outside the transaction.
    const changed = dto.providerOptions
      ? await this.changedOptions(tenantId, id, dto.providerOptions).catch(async (error: unknown) => {
          await this.audit.recordFailedChange(actor, 'endpoint.updated', target, error);
          throw error;
        })
      : undefined;
    return this.audit.recordChange(actor, 'endpoint.updated', target, async (tx) => {
      const current = await this.get(tenantId, id, tx);
      const providerData = changed && toJsonObject({ ...(current.providerData as object), ...changed.options });
      const endpoint = await this.endpoints
        .update(tenantId, id, { capabilities: dto.capabilities, disabled: dto.disabled, providerData, identity: changed?.identity }, tx)
        .catch((error: unknown) => {
          throw isUniqueViolationOn(error, 'identity') ? endpointErrors.endpoint_identity_taken() : error;
        });
      return { result: EndpointResponse.from(endpoint), details: { changed: providedFields(dto) } };
    });
  }

  /** Removes the user at the provider first (if Callpass created it), so a provider failure leaves everything in place. */
  async delete(actor: TenantActor, id: string): Promise<void> {
    const tenantId = actor.principal.tenantId;
    const target = { type: 'endpoint', id };
    try {
      const endpoint = await this.get(tenantId, id);
      const account = await this.accounts.get(tenantId, endpoint.providerAccountId);
      const adapter = this.registry.get(account.provider);
      if (adapter.deprovisionEndpoint) {
        await adapter.deprovisionEndpoint({
          account: this.accounts.open(account),
          endpointData: endpoint.providerData as Record<string, unknown>,
        });
      }
    } catch (error) {
      await this.audit.recordFailedChange(actor, 'endpoint.deleted', target, error);
      throw error;
    }
    await this.audit.recordChange(actor, 'endpoint.deleted', target, async (tx) => {
      const endpoint = await this.get(tenantId, id, tx);
      await this.endpoints.delete(tenantId, id, tx);
      return { result: undefined, details: { userId: endpoint.userId, providerAccountId: endpoint.providerAccountId } };
    });
  }

  private async prepare(tenantId: string, dto: CreateEndpointDto): Promise<PreparedEndpoint> {
    const account = await this.accounts.get(tenantId, dto.providerAccountId);
    const adapter = this.registry.get(account.provider);
    const options = dto.providerOptions ? this.providerOptions(adapter, dto.providerOptions) : {};
    // A user the options name at the provider has the identity the provider gives it (the adapter checks it).
    const resolved = dto.provision ? undefined : await this.resolve(account, adapter, options);
    if (resolved && dto.identity !== undefined && dto.identity !== resolved.identity) {
      throw endpointErrors.identity_invalid({ provider: account.provider, reason: 'The provider knows this user by another identity' });
    }
    const identity = resolved?.identity ?? dto.identity ?? dto.userId;
    const problem = resolved ? undefined : adapter.identityProblem(identity);
    if (problem) throw endpointErrors.identity_invalid({ provider: account.provider, reason: problem });
    if (!dto.provision) return { account, adapter, identity, providerData: options, provisioned: false };

    if (!adapter.provisionEndpoint) throw endpointErrors.provisioning_not_supported({ provider: account.provider });
    const provisioned = await adapter.provisionEndpoint({ account: this.accounts.open(account), identity, options });
    return {
      account,
      adapter,
      identity: provisioned.identity,
      providerData: toJsonObject({ ...options, ...provisioned.endpointData }),
      accountConfig: provisioned.accountConfig,
      provisioned: true,
    };
  }

  /** New provider options for an endpoint, and the identity they name at the provider if the adapter reads one. */
  private async changedOptions(tenantId: string, id: string, providerOptions: Record<string, unknown>) {
    const current = await this.get(tenantId, id);
    const account = await this.accounts.get(tenantId, current.providerAccountId);
    const adapter = this.registry.get(account.provider);
    const options = this.providerOptions(adapter, providerOptions);
    return { options, identity: (await this.resolve(account, adapter, options))?.identity };
  }

  private async resolve(account: ProviderAccount, adapter: ProviderAdapter, options: Prisma.InputJsonObject) {
    if (!adapter.resolveEndpoint || Object.keys(options).length === 0) return undefined;
    return adapter.resolveEndpoint({ account: this.accounts.open(account), options });
  }

  private providerOptions(adapter: ProviderAdapter, options: Record<string, unknown>): Prisma.InputJsonObject {
    if (!adapter.endpointOptionsSchema) throw invalidField('providerOptions', `${adapter.name} endpoints take no providerOptions`);
    return toJsonObject(validateObject(adapter.endpointOptionsSchema, options, 'providerOptions'));
  }

  /**
   * Undoes a provisioning whose endpoint could not be stored; a failure here is logged, not thrown over the first. A
   * user whose identity another endpoint of the account holds stays: where the provider names users by identity
   * (Vonage), that endpoint's tokens name the very user this request created.
   */
  private async deprovisionQuietly(tenantId: string, prepared: PreparedEndpoint): Promise<void> {
    try {
      if (await this.endpoints.identityInUse(tenantId, prepared.account.id, prepared.identity)) return;
      await prepared.adapter.deprovisionEndpoint?.({
        account: this.accounts.open(prepared.account),
        endpointData: prepared.providerData,
      });
    } catch (error) {
      this.logger.error(
        `Could not remove the ${prepared.account.provider} user created for a failed endpoint: ${(error as Error).message}`,
      );
    }
  }
}
