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
import { CreateServiceKeyDto } from './dto/create-service-key.dto';

@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@Controller({ path: 'admin/service-keys', version: '1' })
export class AdminServiceKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  /** Issues a key for an internal service, limited to the given scopes. Shown once. */
  @Post()
  @ApiErrors('console_reauthentication_required')
  create(@CurrentActor() actor: AdminActor, @Body() body: CreateServiceKeyDto): Promise<CreatedApiKeyResponse> {
    return this.apiKeys.issue(actor, { kind: 'service' }, body);
  }

  /** Lists service keys (prefixes only), newest first. */
  @Get()
  @ApiPage(ApiKeyResponse, 'A page of service keys')
  list(@Query() query: PageQueryDto) {
    return this.apiKeys.list({ kind: 'service' }, query);
  }

  /** Revokes a service key; its next request is refused. */
  @Delete(':keyId')
  @ApiErrors('api_key_not_found')
  revoke(@CurrentActor() actor: AdminActor, @Param('keyId') keyId: string): Promise<ApiKeyResponse> {
    return this.apiKeys.revoke(actor, { kind: 'service' }, keyId);
  }
}
