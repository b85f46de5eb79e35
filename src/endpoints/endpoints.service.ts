import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { TenantActor } from '../auth/principal';
import { isUuid } from '../common/ids';
import { decodeCursor, DEFAULT_PAGE_SIZE, Page, toPage } from '../common/pagination/cursor';
import { Db } from '../database/prisma.service';
import { isUniqueViolation, isUniqueViolationOn } from '../database/prisma-errors';
import { Endpoint } from '../generated/prisma/client';
import { ProviderAccountsService } from '../provider-accounts/provider-accounts.service';
import { ProviderRegistry } from '../providers/provider-registry';
import { CreateEndpointDto } from './dto/create-endpoint.dto';
import { ListEndpointsQueryDto } from './dto/list-endpoints-query.dto';
import { UpdateEndpointDto } from './dto/update-endpoint.dto';
import { EndpointResponse } from './endpoint.response';
import { endpointErrors } from './endpoints.errors';
import { EndpointsRepository } from './endpoints.repository';
import { providedFields } from '../common/provided-fields';

@Injectable()
export class EndpointsService {
  constructor(
    private readonly endpoints: EndpointsRepository,
    private readonly accounts: ProviderAccountsService,
    private readonly registry: ProviderRegistry,
    private readonly audit: AuditService,
  ) {}

  create(actor: TenantActor, dto: CreateEndpointDto): Promise<EndpointResponse> {
    const tenantId = actor.principal.tenantId;
    return this.audit.recordChange(actor, 'endpoint.created', { type: 'endpoint' }, async (tx) => {
      const account = await this.accounts.get(tenantId, dto.providerAccountId, tx);
      const identity = dto.identity ?? dto.userId;
      const problem = this.registry.get(account.provider).identityProblem(identity);
      if (problem) throw endpointErrors.identity_invalid({ provider: account.provider, reason: problem });
      const endpoint = await this.endpoints
        .create(
          tenantId,
          {
            providerAccountId: account.id,
            userId: dto.userId,
            identity,
            capabilities: dto.capabilities ?? [],
            disabled: dto.disabled ?? false,
          },
          tx,
        )
        .catch((error: unknown) => {
          if (!isUniqueViolation(error)) throw error;
          throw isUniqueViolationOn(error, 'identity') ? endpointErrors.endpoint_identity_taken() : endpointErrors.endpoint_exists();
        });
      return { result: EndpointResponse.from(endpoint), target: { id: endpoint.id }, details: { providerAccountId: account.id, userId: dto.userId } };
    });
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
    return toPage(rows, limit, (row) => row.createdAt, EndpointResponse.from);
  }

  update(actor: TenantActor, id: string, dto: UpdateEndpointDto): Promise<EndpointResponse> {
    const tenantId = actor.principal.tenantId;
    return this.audit.recordChange(actor, 'endpoint.updated', { type: 'endpoint', id }, async (tx) => {
      await this.get(tenantId, id, tx);
      const endpoint = await this.endpoints.update(tenantId, id, dto, tx);
      return { result: EndpointResponse.from(endpoint), details: { changed: providedFields(dto) } };
    });
  }

  delete(actor: TenantActor, id: string): Promise<void> {
    const tenantId = actor.principal.tenantId;
    return this.audit.recordChange(actor, 'endpoint.deleted', { type: 'endpoint', id }, async (tx) => {
      const endpoint = await this.get(tenantId, id, tx);
      await this.endpoints.delete(tenantId, id, tx);
      return { result: undefined, details: { userId: endpoint.userId, providerAccountId: endpoint.providerAccountId } };
    });
  }
}
