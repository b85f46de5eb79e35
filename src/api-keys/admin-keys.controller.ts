import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../auth/decorators/access.decorator';
import { CurrentActor } from '../auth/decorators/current-actor.decorator';
import { AdminActor } from '../auth/principal';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { ApiKeysService } from './api-keys.service';
import { CreateApiKeyDto } from './dto/create-api-key.dto';

/** Admin keys for people and automation; lets the bootstrap key be replaced and revoked. */
@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@Controller({ path: 'admin/admin-keys', version: '1' })
export class AdminKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  create(@CurrentActor() actor: AdminActor, @Body() body: CreateApiKeyDto) {
    return this.apiKeys.issue(actor, { kind: 'admin' }, body);
  }

  @Get()
  list(@Query() query: PageQueryDto) {
    return this.apiKeys.list({ kind: 'admin' }, query);
  }

  @Delete(':keyId')
  revoke(@CurrentActor() actor: AdminActor, @Param('keyId') keyId: string) {
    return this.apiKeys.revoke(actor, { kind: 'admin' }, keyId);
  }
}
