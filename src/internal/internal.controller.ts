import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../api-docs/api-errors.decorator';
import { ApiPage } from '../api-docs/api-page.decorator';
import { EndpointResponse } from '../endpoints/endpoint.response';
import { UsageDayResponse } from './usage.response';
import { ServiceOnly } from '../auth/decorators/access.decorator';
import { UsageQueryDto } from './dto/usage-query.dto';
import { UserEndpointsQueryDto } from './dto/user-endpoints-query.dto';
import { InternalService } from './internal.service';

/** For internal services holding a service key with the named scope. */
@ApiTags('internal')
@ApiBearerAuth()
@Controller({ path: 'internal', version: '1' })
export class InternalController {
  constructor(private readonly internal: InternalService) {}

  /** A tenant's endpoints for one of its users. */
  @ServiceOnly('endpoints:read')
  @Get('tenants/:tenantId/endpoints')
  @ApiPage(EndpointResponse, "A page of the user's endpoints")
  @ApiErrors('tenant_not_found', 'insufficient_scope')
  endpointsOfUser(@Param('tenantId') tenantId: string, @Query() query: UserEndpointsQueryDto) {
    return this.internal.endpointsOfUser(tenantId, query);
  }

  /** Tokens issued, refused and failed per tenant, provider and UTC day. */
  @ServiceOnly('usage:read')
  @Get('usage')
  @ApiErrors('insufficient_scope')
  usage(@Query() query: UsageQueryDto): Promise<UsageDayResponse[]> {
    return this.internal.usage(query);
  }
}
