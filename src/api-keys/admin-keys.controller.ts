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

/** Admin keys for people and automation; lets the bootstrap key be replaced and revoked. */
@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@Controller({ path: 'admin/admin-keys', version: '1' })
export class AdminKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  /** Issues an admin key. The response holds the key; it is never shown again. */
  @Post()
  @ApiErrors('console_reauthentication_required')
  create(@CurrentActor() actor: AdminActor, @Body() body: CreateApiKeyDto): Promise<CreatedApiKeyResponse> {
    return this.apiKeys.issue(actor, { kind: 'admin' }, body);
  }

  /** Lists admin keys (prefixes only), newest first. */
  @Get()
  @ApiPage(ApiKeyResponse, 'A page of admin keys')
  list(@Query() query: PageQueryDto) {
    return this.apiKeys.list({ kind: 'admin' }, query);
  }

  /** Revokes an admin key; its next request is refused. */
  @Delete(':keyId')
  @ApiErrors('api_key_not_found')
  revoke(@CurrentActor() actor: AdminActor, @Param('keyId') keyId: string): Promise<ApiKeyResponse> {
    return this.apiKeys.revoke(actor, { kind: 'admin' }, keyId);
  }
}
