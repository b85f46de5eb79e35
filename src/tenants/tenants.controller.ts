import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../api-docs/api-errors.decorator';
import { ApiPage } from '../api-docs/api-page.decorator';
import { AdminOnly } from '../auth/decorators/access.decorator';
import { CurrentActor } from '../auth/decorators/current-actor.decorator';
import { AdminActor } from '../auth/principal';
import { CreateTenantDto } from './dto/create-tenant.dto';
import { ListTenantsQueryDto } from './dto/list-tenants-query.dto';
import { UpdateTenantDto } from './dto/update-tenant.dto';
import { TenantResponse } from './tenant.response';
import { TenantsService } from './tenants.service';

@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@Controller({ path: 'admin/tenants', version: '1' })
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  /** Creates a tenant: a customer whose users get tokens, with its own keys, accounts and settings. */
  @Post()
  @ApiErrors('tenant_slug_taken')
  create(@CurrentActor() actor: AdminActor, @Body() body: CreateTenantDto): Promise<TenantResponse> {
    return this.tenants.create(actor, body);
  }

  /** Lists tenants, newest first. */
  @Get()
  @ApiPage(TenantResponse, 'A page of tenants')
  list(@Query() query: ListTenantsQueryDto) {
    return this.tenants.list(query);
  }

  /** Reads one tenant. */
  @Get(':tenantId')
  @ApiErrors('tenant_not_found')
  async get(@Param('tenantId') tenantId: string): Promise<TenantResponse> {
    return TenantResponse.from(await this.tenants.get(tenantId));
  }

  /** Renames, suspends or reactivates a tenant, or replaces its settings. */
  @Patch(':tenantId')
  @ApiErrors('tenant_not_found')
  update(@CurrentActor() actor: AdminActor, @Param('tenantId') tenantId: string, @Body() body: UpdateTenantDto): Promise<TenantResponse> {
    return this.tenants.update(actor, tenantId, body);
  }
}
