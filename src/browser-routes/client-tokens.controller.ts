import { ErrorCode } from '../common/errors/error-codes';
import { Body, Controller, HttpCode, Options, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { END_USER_AUTH } from '../api-docs/api-docs';
import { ApiErrors } from '../api-docs/api-errors.decorator';
import { EndUserOnly, Public } from '../auth/decorators/access.decorator';
import { CurrentActor } from '../auth/decorators/current-actor.decorator';
import { EndUserActor } from '../auth/principal';
import { UserTokenDto } from '../issuance/dto/user-token.dto';
import { IssuanceService } from '../issuance/issuance.service';
import { IssuedTokenResponse } from '../issuance/issued-token.response';
import { ISSUE_ERRORS, REFRESH_ERRORS } from '../issuance/token-route-errors';
import { TokenRoute } from '../issuance/token-route-refusals';
import { ClientOriginsService } from '../origins/client-origins.service';

/** What an end user's credential can be refused for, on top of the token routes' own refusals. */
const END_USER_ERRORS: ErrorCode[] = [
  'origin_not_allowed',
  'tenant_suspended',
  'end_user_auth_required',
  'end_user_token_too_long',
  'end_user_token_malformed',
  'end_user_token_header_refused',
  'end_user_issuer_unknown',
  'end_user_algorithm_not_allowed',
  'end_user_key_unknown',
  'end_user_signature_invalid',
  'end_user_token_expired',
  'end_user_token_not_yet_valid',
  'end_user_token_type_mismatch',
  'end_user_audience_mismatch',
  'end_user_claim_missing',
  'end_user_keys_unavailable',
  'end_user_session_invalid',
  'end_user_session_expired',
  'end_user_session_revoked',
  'end_user_revoked',
];

/** The browser route: a tenant's end user gets their own token, with their IdP JWT or Callpass session. */
@ApiTags('client')
@ApiBearerAuth(END_USER_AUTH)
@ApiParam({ name: 'tenantSlug', description: "The tenant's slug", example: 'acme' })
@EndUserOnly()
@Controller({ path: 'client/:tenantSlug/tokens', version: '1' })
export class ClientTokensController {
  constructor(
    private readonly issuance: IssuanceService,
    private readonly origins: ClientOriginsService,
  ) {}

  /** Mints a token for the signed-in user's own endpoint (the named account's or provider's, or their only one). */
  @Post()
  @TokenRoute()
  @ApiErrors(...END_USER_ERRORS, 'session_scope_exceeded', 'option_not_allowed', ...ISSUE_ERRORS)
  issue(@CurrentActor() actor: EndUserActor, @Body() body: UserTokenDto): Promise<IssuedTokenResponse> {
    const { tenantId, userId } = actor.principal;
    return this.issuance.issue(actor, tenantId, { user: userId, providerAccountId: body.providerAccountId, provider: body.provider }, body);
  }

  /** Refreshes one of the signed-in user's own refreshable tokens (SignalWire subscriber SATs). */
  @Post(':id/refresh')
  @TokenRoute()
  @ApiErrors(...END_USER_ERRORS, 'session_scope_exceeded', ...REFRESH_ERRORS)
  refresh(@CurrentActor() actor: EndUserActor, @Param('id') id: string): Promise<IssuedTokenResponse> {
    const { tenantId, userId } = actor.principal;
    return this.issuance.refresh(actor, tenantId, id, userId);
  }

  /** CORS preflight: answered only for the tenant's allowed origins. */
  @Options()
  @Public()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'CORS headers for an allowed origin; none otherwise' })
  @ApiErrors('rate_limited')
  preflight(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): void {
    this.origins.preflight(request, reply);
  }

  /** CORS preflight of the refresh route. */
  @Options(':id/refresh')
  @Public()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'CORS headers for an allowed origin; none otherwise' })
  @ApiErrors('rate_limited')
  refreshPreflight(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): void {
    this.origins.preflight(request, reply);
  }
}
