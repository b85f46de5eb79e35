import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../auth/decorators/access.decorator';
import { CurrentActor } from '../auth/decorators/current-actor.decorator';
import { AdminActor } from '../auth/principal';
import { PageQueryDto } from '../common/pagination/page-query.dto';
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
  create(@CurrentActor() actor: AdminActor, @Body() body: CreateServiceKeyDto) {
    return this.apiKeys.issue(actor, { kind: 'service' }, body);
  }

  @Get()
  list(@Query() query: PageQueryDto) {
    return this.apiKeys.list({ kind: 'service' }, query);
  }

  @Delete(':keyId')
  revoke(@CurrentActor() actor: AdminActor, @Param('keyId') keyId: string) {
    return this.apiKeys.revoke(actor, { kind: 'service' }, keyId);
  }
}
