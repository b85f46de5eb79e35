import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { TenantOnly } from '../auth/decorators/access.decorator';
import { CurrentActor } from '../auth/decorators/current-actor.decorator';
import { TenantActor } from '../auth/principal';
import { CreateProviderAccountDto } from './dto/create-provider-account.dto';
import { ListProviderAccountsQueryDto } from './dto/list-provider-accounts-query.dto';
import { UpdateProviderAccountDto } from './dto/update-provider-account.dto';
import { ProviderAccountResponse } from './provider-account.response';
import { ProviderAccountsService } from './provider-accounts.service';

@ApiTags('provider-accounts')
@ApiBearerAuth()
@TenantOnly()
@Controller({ path: 'provider-accounts', version: '1' })
export class ProviderAccountsController {
  constructor(private readonly accounts: ProviderAccountsService) {}

  /** Stores a provider account; its secrets are encrypted and never returned. */
  @Post()
  create(@CurrentActor() actor: TenantActor, @Body() body: CreateProviderAccountDto) {
    return this.accounts.create(actor, body);
  }

  @Get()
  list(@CurrentActor() actor: TenantActor, @Query() query: ListProviderAccountsQueryDto) {
    return this.accounts.list(actor.principal.tenantId, query);
  }

  @Get(':id')
  async get(@CurrentActor() actor: TenantActor, @Param('id') id: string) {
    return ProviderAccountResponse.from(await this.accounts.get(actor.principal.tenantId, id));
  }

  @Patch(':id')
  update(@CurrentActor() actor: TenantActor, @Param('id') id: string, @Body() body: UpdateProviderAccountDto) {
    return this.accounts.update(actor, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  delete(@CurrentActor() actor: TenantActor, @Param('id') id: string) {
    return this.accounts.delete(actor, id);
  }
}
