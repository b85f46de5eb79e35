import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../api-docs/api-errors.decorator';
import { ErrorCode } from '../common/errors/error-codes';
import { ApiPage } from '../api-docs/api-page.decorator';
import { TenantOnly } from '../auth/decorators/access.decorator';
import { CurrentActor } from '../auth/decorators/current-actor.decorator';
import { TenantActor } from '../auth/principal';
import { CreateEndpointDto } from './dto/create-endpoint.dto';
import { ListEndpointsQueryDto } from './dto/list-endpoints-query.dto';
import { UpdateEndpointDto } from './dto/update-endpoint.dto';
import { EndpointResponse } from './endpoint.response';
import { EndpointsService } from './endpoints.service';

/** What creating a user at the provider, or reading one there, can answer. */
const PROVIDER_CALL_ERRORS: ErrorCode[] = [
  'provider_rejected_request',
  'provider_auth_failed',
  'provider_unavailable',
  'provider_bad_response',
  'provider_config_incomplete',
  'provider_address_forbidden',
  'provider_account_unreadable',
];

@ApiTags('endpoints')
@ApiBearerAuth()
@TenantOnly()
@Controller({ path: 'endpoints', version: '1' })
export class EndpointsController {
  constructor(private readonly endpoints: EndpointsService) {}

  /** Binds one of your users to a provider account, optionally creating the user at the provider. */
  @Post()
  @ApiErrors(
    'provider_account_not_found',
    'endpoint_exists',
    'endpoint_identity_taken',
    'identity_invalid',
    'provisioning_not_supported',
    ...PROVIDER_CALL_ERRORS,
  )
  create(@CurrentActor() actor: TenantActor, @Body() body: CreateEndpointDto): Promise<EndpointResponse> {
    return this.endpoints.create(actor, actor.principal.tenantId, body);
  }

  /** Lists your endpoints, newest first, by user, by identity at the provider, or by account. */
  @Get()
  @ApiPage(EndpointResponse, 'A page of endpoints')
  list(@CurrentActor() actor: TenantActor, @Query() query: ListEndpointsQueryDto) {
    return this.endpoints.list(actor.principal.tenantId, query);
  }

  /** Reads one endpoint. */
  @Get(':id')
  @ApiErrors('endpoint_not_found')
  async get(@CurrentActor() actor: TenantActor, @Param('id') id: string): Promise<EndpointResponse> {
    return EndpointResponse.from(await this.endpoints.get(actor.principal.tenantId, id));
  }

  /** Changes what an endpoint may do, disables it, or merges provider settings. */
  @Patch(':id')
  @ApiErrors('endpoint_not_found', 'endpoint_identity_taken', ...PROVIDER_CALL_ERRORS)
  update(@CurrentActor() actor: TenantActor, @Param('id') id: string, @Body() body: UpdateEndpointDto): Promise<EndpointResponse> {
    return this.endpoints.update(actor, id, body);
  }

  /** Deletes an endpoint, and the user at the provider if Callpass created it. */
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors('endpoint_not_found', ...PROVIDER_CALL_ERRORS)
  delete(@CurrentActor() actor: TenantActor, @Param('id') id: string): Promise<void> {
    return this.endpoints.delete(actor, id);
  }
}
