import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../api-docs/api-errors.decorator';
import { ApiPage } from '../api-docs/api-page.decorator';
import { TenantOnly } from '../auth/decorators/access.decorator';
import { CurrentActor } from '../auth/decorators/current-actor.decorator';
import { TenantActor } from '../auth/principal';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { ApiKeyResponse, CreatedApiKeyResponse } from './api-key.response';
import { ApiKeysService } from './api-keys.service';
import { CreateApiKeyDto } from './dto/create-api-key.dto';

/** The calling tenant's own API keys: issue more, see them (prefixes only), revoke them. */
@ApiTags('api keys')
@ApiBearerAuth()
@TenantOnly()
@Controller({ path: 'api-keys', version: '1' })
export class TenantKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  /**
   * Issues a key for your tenant. The response holds the key; it is never shown again. From a console session,
   * only in the 5 minutes after its sign-in.
   */
  @Post()
  @ApiErrors('console_reauthentication_required')
  create(@CurrentActor() actor: TenantActor, @Body() body: CreateApiKeyDto): Promise<CreatedApiKeyResponse> {
    return this.apiKeys.issue(actor, { tenantId: actor.principal.tenantId }, body);
  }

  /** Lists your keys (prefixes only), newest first. */
  @Get()
  @ApiPage(ApiKeyResponse, 'A page of your keys')
  list(@CurrentActor() actor: TenantActor, @Query() query: PageQueryDto) {
    return this.apiKeys.list({ tenantId: actor.principal.tenantId }, query);
  }

  /** Revokes one of your keys; the next request made with it is refused. */
  @Delete(':keyId')
  @ApiErrors('api_key_not_found')
  revoke(@CurrentActor() actor: TenantActor, @Param('keyId') keyId: string): Promise<ApiKeyResponse> {
    return this.apiKeys.revoke(actor, { tenantId: actor.principal.tenantId }, keyId);
  }
}
