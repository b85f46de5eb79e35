import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../api-docs/api-errors.decorator';
import { TenantOnly } from '../auth/decorators/access.decorator';
import { CurrentActor } from '../auth/decorators/current-actor.decorator';
import { TenantActor } from '../auth/principal';
import { IssueTokenDto } from './dto/issue-token.dto';
import { IssuanceService } from './issuance.service';
import { IssuedTokenResponse } from './issued-token.response';
import { TokenRoute } from './token-route-refusals';

/** What minting can answer besides authentication and validation errors (README explains each). */
const PROVIDER_ERRORS = [
  'provider_auth_failed',
  'provider_unavailable',
  'provider_bad_response',
  'provider_rejected_request',
  'provider_config_incomplete',
  'provider_address_forbidden',
  'provider_account_unreadable',
  'audit_unavailable',
];
const ISSUE_ERRORS = [
  'endpoint_reference_required',
  'endpoint_not_found',
  'token_kind_not_supported',
  'capability_not_supported',
  'capability_not_allowed',
  'address_not_allowed',
  'endpoint_disabled',
  'provider_account_disabled',
  'lifetime_exceeds_policy',
  ...PROVIDER_ERRORS,
];
const REFRESH_ERRORS = [
  'token_not_refreshable',
  'token_refresh_conflict',
  'refresh_unreadable',
  'endpoint_disabled',
  'provider_account_disabled',
  'capability_not_allowed',
  'lifetime_exceeds_policy',
  ...PROVIDER_ERRORS,
];

@ApiTags('tokens')
@ApiBearerAuth()
@TenantOnly()
@Controller({ path: 'tokens', version: '1' })
export class TokensController {
  constructor(private readonly issuance: IssuanceService) {}

  /** Mints a browser token for one endpoint, audited before it is returned. */
  @Post()
  @TokenRoute()
  @ApiErrors(...ISSUE_ERRORS)
  issue(@CurrentActor() actor: TenantActor, @Body() body: IssueTokenDto): Promise<IssuedTokenResponse> {
    return this.issuance.issue(actor, body);
  }

  /** Exchanges the kept refresh credential of the latest token of a chain (SignalWire subscriber SATs) for a new token. */
  @Post(':id/refresh')
  @TokenRoute()
  @ApiErrors(...REFRESH_ERRORS)
  refresh(@CurrentActor() actor: TenantActor, @Param('id') id: string): Promise<IssuedTokenResponse> {
    return this.issuance.refresh(actor, id);
  }
}
