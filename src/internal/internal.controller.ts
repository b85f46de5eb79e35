import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
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

  @ServiceOnly('endpoints:read')
  @Get('tenants/:tenantId/endpoints')
  endpointsOfUser(@Param('tenantId') tenantId: string, @Query() query: UserEndpointsQueryDto) {
    return this.internal.endpointsOfUser(tenantId, query);
  }

  /** Tokens issued, refused and failed per tenant, provider and UTC day. */
  @ServiceOnly('usage:read')
  @Get('usage')
  usage(@Query() query: UsageQueryDto) {
    return this.internal.usage(query);
  }
}
