import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { AdminActor } from '../auth/principal';
import { isUuid } from '../common/ids';
import { decodeCursor, DEFAULT_PAGE_SIZE, Page, toPage } from '../common/pagination/cursor';
import { Db } from '../database/prisma.service';
import { isUniqueViolation } from '../database/prisma-errors';
import { toJsonObject } from '../common/json';
import { Tenant } from '../generated/prisma/client';
import { CreateTenantDto } from './dto/create-tenant.dto';
import { ListTenantsQueryDto } from './dto/list-tenants-query.dto';
import { UpdateTenantDto } from './dto/update-tenant.dto';
import { TenantResponse } from './tenant.response';
import { tenantErrors } from './tenants.errors';
import { TenantsRepository } from './tenants.repository';
import { providedFields } from '../common/provided-fields';

@Injectable()
export class TenantsService {
  constructor(
    private readonly tenants: TenantsRepository,
    private readonly audit: AuditService,
  ) {}

  create(actor: AdminActor, dto: CreateTenantDto): Promise<TenantResponse> {
    return this.audit.recordChange(actor, 'tenant.created', { type: 'tenant' }, async (tx) => {
      const tenant = await this.tenants
        .create({ slug: dto.slug, name: dto.name, settings: toJsonObject(dto.settings ?? {}) }, tx)
        .catch((error: unknown) => {
          throw isUniqueViolation(error) ? tenantErrors.tenant_slug_taken({ slug: dto.slug }) : error;
        });
      return {
        result: TenantResponse.from(tenant),
        target: { id: tenant.id, tenantId: tenant.id },
        details: { slug: tenant.slug },
      };
    });
  }

  /** The tenant, or `tenant_not_found`. */
  async get(tenantId: string, db?: Db): Promise<Tenant> {
    const tenant = isUuid(tenantId) ? await this.tenants.find(tenantId, db) : null;
    if (!tenant) throw tenantErrors.tenant_not_found();
    return tenant;
  }

  async list(query: ListTenantsQueryDto): Promise<Page<TenantResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.tenants.list(query, decodeCursor(query.cursor), limit + 1);
    return toPage(
      rows,
      limit,
      (row) => row.createdAt,
      (row) => TenantResponse.from(row),
    );
  }

  update(actor: AdminActor, tenantId: string, dto: UpdateTenantDto): Promise<TenantResponse> {
    const action = dto.status === 'suspended' ? 'tenant.suspended' : dto.status === 'active' ? 'tenant.activated' : 'tenant.updated';
    return this.audit.recordChange(actor, action, { type: 'tenant', id: tenantId, tenantId }, async (tx) => {
      await this.get(tenantId, tx);
      const tenant = await this.tenants.update(
        tenantId,
        { name: dto.name, status: dto.status, settings: dto.settings && toJsonObject(dto.settings) },
        tx,
      );
      return { result: TenantResponse.from(tenant), details: { changed: providedFields(dto) } };
    });
  }
}
