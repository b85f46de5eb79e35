import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../api-docs/api-errors.decorator';
import { TenantOnly } from '../auth/decorators/access.decorator';
import { CurrentActor } from '../auth/decorators/current-actor.decorator';
import { TenantActor } from '../auth/principal';
import { EndUserAuthDto } from './dto/end-user-auth.dto';
import { TestEndUserTokenDto } from './dto/test-end-user-token.dto';
import { EndUserAuthResponse } from './end-user-auth.response';
import { EndUserAuthService } from './end-user-auth.service';
import { EndUserTokenTestResponse } from './end-user-token-test.response';
import { EndUserTokenTestsService } from './end-user-token-tests.service';

@ApiTags('end users')
@ApiBearerAuth()
@TenantOnly()
@Controller({ path: 'end-user-auth', version: '1' })
export class EndUserAuthController {
  constructor(
    private readonly endUserAuth: EndUserAuthService,
    private readonly tokenTests: EndUserTokenTestsService,
  ) {}

  /**
   * How your end users are recognised: trusted identity providers (with, for a jwksUrl, what its last fetches found),
   * and whether sessions are on.
   */
  @Get()
  get(@CurrentActor() actor: TenantActor): Promise<EndUserAuthResponse> {
    return this.endUserAuth.get(actor.principal.tenantId);
  }

  /**
   * Replaces the whole configuration. A shared secret may be left out to keep the stored one of the same issuer. Each
   * jwksUrl is fetched once first, unless the issuer says `checkJwks: false`.
   */
  @Put()
  @ApiErrors('end_user_jwks_unreachable', 'console_reauthentication_required')
  replace(@CurrentActor() actor: TenantActor, @Body() body: EndUserAuthDto): Promise<EndUserAuthResponse> {
    return this.endUserAuth.replace(actor, body);
  }

  /**
   * Checks an end user's JWT exactly as `POST /v1/client/{tenantSlug}/tokens` would for you (your issuers, their keys,
   * revocations), without minting, logging it in the token log or counting it against the user's rate limit. A token
   * the browser route would refuse is a 200 with `accepted: false` and that route's error code and message.
   */
  @Post('token-tests')
  @HttpCode(200)
  test(@CurrentActor() actor: TenantActor, @Body() body: TestEndUserTokenDto): Promise<EndUserTokenTestResponse> {
    return this.tokenTests.test(actor.principal.tenantId, body.token);
  }
}
