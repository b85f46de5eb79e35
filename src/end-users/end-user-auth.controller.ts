import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../api-docs/api-errors.decorator';
import { TenantOnly } from '../auth/decorators/access.decorator';
import { CurrentActor } from '../auth/decorators/current-actor.decorator';
import { TenantActor } from '../auth/principal';
import { EndUserAuthDto } from './dto/end-user-auth.dto';
import { EndUserAuthResponse } from './end-user-auth.response';
import { EndUserAuthService } from './end-user-auth.service';

@ApiTags('end users')
@ApiBearerAuth()
@TenantOnly()
@Controller({ path: 'end-user-auth', version: '1' })
export class EndUserAuthController {
  constructor(private readonly endUserAuth: EndUserAuthService) {}

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
  @ApiErrors('end_user_jwks_unreachable')
  replace(@CurrentActor() actor: TenantActor, @Body() body: EndUserAuthDto): Promise<EndUserAuthResponse> {
    return this.endUserAuth.replace(actor, body);
  }
}
