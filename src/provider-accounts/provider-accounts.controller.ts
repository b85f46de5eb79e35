import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../api-docs/api-errors.decorator';
import { ApiPage } from '../api-docs/api-page.decorator';
import { TenantOnly } from '../auth/decorators/access.decorator';
import { CurrentActor } from '../auth/decorators/current-actor.decorator';
import { TenantActor } from '../auth/principal';
import { CreateProviderAccountDto } from './dto/create-provider-account.dto';
import { ListProviderAccountsQueryDto } from './dto/list-provider-accounts-query.dto';
import { UpdateProviderAccountDto } from './dto/update-provider-account.dto';
import { ProviderAccountResponse } from './provider-account.response';
import { ProviderAccountsService } from './provider-accounts.service';

@ApiTags('provider accounts')
@ApiBearerAuth()
@TenantOnly()
@Controller({ path: 'provider-accounts', version: '1' })
export class ProviderAccountsController {
  constructor(private readonly accounts: ProviderAccountsService) {}

  /** Stores a provider account; its secrets are encrypted and never returned. */
  @Post()
  @ApiErrors('provider_not_supported', 'provider_account_name_taken')
  create(@CurrentActor() actor: TenantActor, @Body() body: CreateProviderAccountDto): Promise<ProviderAccountResponse> {
    return this.accounts.create(actor, body);
  }

  /** Lists the tenant's provider accounts, newest first. */
  @Get()
  @ApiPage(ProviderAccountResponse, 'A page of provider accounts')
  list(@CurrentActor() actor: TenantActor, @Query() query: ListProviderAccountsQueryDto) {
    return this.accounts.list(actor.principal.tenantId, query);
  }

  /** Reads one provider account (secrets as masked hints). */
  @Get(':id')
  @ApiErrors('provider_account_not_found')
  async get(@CurrentActor() actor: TenantActor, @Param('id') id: string): Promise<ProviderAccountResponse> {
    return this.accounts.respond(await this.accounts.get(actor.principal.tenantId, id));
  }

  /** Changes an account: name, status, base URL, policy; `config` and `secrets` are merged into what is stored. */
  @Patch(':id')
  @ApiErrors('provider_account_not_found', 'provider_account_name_taken')
  update(
    @CurrentActor() actor: TenantActor,
    @Param('id') id: string,
    @Body() body: UpdateProviderAccountDto,
  ): Promise<ProviderAccountResponse> {
    return this.accounts.update(actor, id, body);
  }

  /** Deletes an account that no endpoint uses any more. */
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors('provider_account_not_found', 'provider_account_in_use')
  delete(@CurrentActor() actor: TenantActor, @Param('id') id: string): Promise<void> {
    return this.accounts.delete(actor, id);
  }
}
