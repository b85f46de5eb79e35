import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { TenantOnly } from '../auth/decorators/access.decorator';
import { CurrentActor } from '../auth/decorators/current-actor.decorator';
import { TenantActor } from '../auth/principal';
import { CreateEndpointDto } from './dto/create-endpoint.dto';
import { ListEndpointsQueryDto } from './dto/list-endpoints-query.dto';
import { UpdateEndpointDto } from './dto/update-endpoint.dto';
import { EndpointResponse } from './endpoint.response';
import { EndpointsService } from './endpoints.service';

@ApiTags('endpoints')
@ApiBearerAuth()
@TenantOnly()
@Controller({ path: 'endpoints', version: '1' })
export class EndpointsController {
  constructor(private readonly endpoints: EndpointsService) {}

  @Post()
  create(@CurrentActor() actor: TenantActor, @Body() body: CreateEndpointDto) {
    return this.endpoints.create(actor, body);
  }

  @Get()
  list(@CurrentActor() actor: TenantActor, @Query() query: ListEndpointsQueryDto) {
    return this.endpoints.list(actor.principal.tenantId, query);
  }

  @Get(':id')
  async get(@CurrentActor() actor: TenantActor, @Param('id') id: string) {
    return EndpointResponse.from(await this.endpoints.get(actor.principal.tenantId, id));
  }

  @Patch(':id')
  update(@CurrentActor() actor: TenantActor, @Param('id') id: string, @Body() body: UpdateEndpointDto) {
    return this.endpoints.update(actor, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  delete(@CurrentActor() actor: TenantActor, @Param('id') id: string) {
    return this.endpoints.delete(actor, id);
  }
}
