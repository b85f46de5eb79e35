import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
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

  @Post()
  create(@CurrentActor() actor: AdminActor, @Body() body: CreateTenantDto) {
    return this.tenants.create(actor, body);
  }

  @Get()
  list(@Query() query: ListTenantsQueryDto) {
    return this.tenants.list(query);
  }

  @Get(':tenantId')
  async get(@Param('tenantId') tenantId: string) {
    return TenantResponse.from(await this.tenants.get(tenantId));
  }

  /** Renames, suspends or reactivates a tenant, or replaces its settings. */
  @Patch(':tenantId')
  update(@CurrentActor() actor: AdminActor, @Param('tenantId') tenantId: string, @Body() body: UpdateTenantDto) {
    return this.tenants.update(actor, tenantId, body);
  }
}
