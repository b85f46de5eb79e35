import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiExtraModels, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ApiErrors } from '../api-docs/api-errors.decorator';
import { TenantOnly } from '../auth/decorators/access.decorator';
import { CurrentActor } from '../auth/decorators/current-actor.decorator';
import { TenantActor } from '../auth/principal';
import { IssueTokenDto, selectionOf } from './dto/issue-token.dto';
import { IssuanceService } from './issuance.service';
import { IssuedTokenResponse } from './issued-token.response';
import { ISSUE_ERRORS, REFRESH_ERRORS } from './token-route-errors';
import { TokenRoute } from './token-route-refusals';

@ApiTags('tokens')
@ApiBearerAuth()
@TenantOnly()
@Controller({ path: 'tokens', version: '1' })
export class TokensController {
  constructor(private readonly issuance: IssuanceService) {}

  /** Mints a browser token for one of your users, audited before it is returned. */
  @Post()
  @TokenRoute()
  @ApiErrors('endpoint_reference_required', ...ISSUE_ERRORS)
  @ApiExtraModels(IssueTokenDto)
  @ApiBody({
    schema: { $ref: getSchemaPath(IssueTokenDto) },
    // One way of naming the endpoint: Swagger UI would otherwise build an example from every property, naming it three ways.
    examples: {
      endpoint: { value: { endpointId: '01937a2e-5f10-7b8c-8e4d-2a6b9c0d1e2f', ttlSeconds: 900, capabilities: ['outgoing'] } },
    },
  })
  issue(@CurrentActor() actor: TenantActor, @Body() body: IssueTokenDto): Promise<IssuedTokenResponse> {
    return this.issuance.issue(actor, actor.principal.tenantId, selectionOf(body), body);
  }

  /** Exchanges the kept refresh credential of the latest token of a chain (SignalWire subscriber SATs) for a new token. */
  @Post(':id/refresh')
  @TokenRoute()
  @ApiErrors(...REFRESH_ERRORS)
  refresh(@CurrentActor() actor: TenantActor, @Param('id') id: string): Promise<IssuedTokenResponse> {
    return this.issuance.refresh(actor, actor.principal.tenantId, id);
  }
}
