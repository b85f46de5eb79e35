import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../auth/decorators/access.decorator';
import { CurrentActor } from '../auth/decorators/current-actor.decorator';
import { AdminActor } from '../auth/principal';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { ApiKeysService } from './api-keys.service';
import { CreateApiKeyDto } from './dto/create-api-key.dto';

@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@Controller({ path: 'admin/tenants/:tenantId/api-keys', version: '1' })
export class AdminTenantKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  /** Issues a tenant API key. The response holds the key; it is never shown again. */
  @Post()
  create(@CurrentActor() actor: AdminActor, @Param('tenantId') tenantId: string, @Body() body: CreateApiKeyDto) {
    return this.apiKeys.issue(actor, { tenantId }, body);
  }

  @Get()
  list(@Param('tenantId') tenantId: string, @Query() query: PageQueryDto) {
    return this.apiKeys.list({ tenantId }, query);
  }

  /** Revokes the key; the next request made with it is refused. */
  @Delete(':keyId')
  revoke(@CurrentActor() actor: AdminActor, @Param('tenantId') tenantId: string, @Param('keyId') keyId: string) {
    return this.apiKeys.revoke(actor, { tenantId }, keyId);
  }
}
