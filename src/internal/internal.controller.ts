import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../api-docs/api-errors.decorator';
import { ApiPage } from '../api-docs/api-page.decorator';
import { ServiceOnly } from '../auth/decorators/access.decorator';
import { CurrentActor } from '../auth/decorators/current-actor.decorator';
import { ServiceActor } from '../auth/principal';
import { UserRevocationResponse } from '../end-users/user-revocation.response';
import { EndpointResponse } from '../endpoints/endpoint.response';
import { IssuedTokenResponse } from '../issuance/issued-token.response';
import { ISSUE_ERRORS } from '../issuance/token-route-errors';
import { TokenRoute } from '../issuance/token-route-refusals';
import { ServiceTokenDto } from './dto/service-token.dto';
import { UsageQueryDto } from './dto/usage-query.dto';
import { UserEndpointsQueryDto } from './dto/user-endpoints-query.dto';
import { InternalService } from './internal.service';
import { UsageDayResponse } from './usage.response';

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

  /** Mints a token for one of a tenant's users, on their behalf; the token log names the service key. */
  @ServiceOnly('tokens:issue')
  @Post('tenants/:tenantId/tokens')
  @TokenRoute()
  @ApiErrors('tenant_not_found', 'tenant_suspended', 'insufficient_scope', ...ISSUE_ERRORS)
  issue(
    @CurrentActor() actor: ServiceActor,
    @Param('tenantId') tenantId: string,
    @Body() body: ServiceTokenDto,
  ): Promise<IssuedTokenResponse> {
    return this.internal.issueToken(actor, tenantId, body);
  }

  /** Signs one of a tenant's users out of Callpass (as POST /v1/users/{userId}/revoke does for the tenant). */
  @ServiceOnly('users:revoke')
  @Post('tenants/:tenantId/users/:userId/revoke')
  @HttpCode(200)
  @ApiErrors('tenant_not_found', 'insufficient_scope')
  revokeUser(
    @CurrentActor() actor: ServiceActor,
    @Param('tenantId') tenantId: string,
    @Param('userId') userId: string,
  ): Promise<UserRevocationResponse> {
    return this.internal.revokeUser(actor, tenantId, userId);
  }

  /** Tokens issued, refused and failed per tenant, provider and UTC day. */
  @ServiceOnly('usage:read')
  @Get('usage')
  @ApiErrors('insufficient_scope')
  usage(@Query() query: UsageQueryDto): Promise<UsageDayResponse[]> {
    return this.internal.usage(query);
  }
}
