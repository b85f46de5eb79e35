import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../api-docs/api-errors.decorator';
import { ApiPage } from '../api-docs/api-page.decorator';
import { AdminOnly } from '../auth/decorators/access.decorator';
import { CurrentActor } from '../auth/decorators/current-actor.decorator';
import { AdminActor } from '../auth/principal';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { ApiKeyResponse, CreatedApiKeyResponse } from './api-key.response';
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
  @ApiErrors('tenant_not_found', 'console_reauthentication_required')
  create(
    @CurrentActor() actor: AdminActor,
    @Param('tenantId') tenantId: string,
    @Body() body: CreateApiKeyDto,
  ): Promise<CreatedApiKeyResponse> {
    return this.apiKeys.issue(actor, { tenantId }, body);
  }

  /** Lists the tenant's API keys (prefixes only), newest first. */
  @Get()
  @ApiPage(ApiKeyResponse, "A page of the tenant's keys")
  @ApiErrors('tenant_not_found')
  list(@Param('tenantId') tenantId: string, @Query() query: PageQueryDto) {
    return this.apiKeys.list({ tenantId }, query);
  }

  /** Revokes the key; the next request made with it is refused. */
  @Delete(':keyId')
  @ApiErrors('api_key_not_found')
  revoke(@CurrentActor() actor: AdminActor, @Param('tenantId') tenantId: string, @Param('keyId') keyId: string): Promise<ApiKeyResponse> {
    return this.apiKeys.revoke(actor, { tenantId }, keyId);
  }
}
