import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../api-docs/api-errors.decorator';
import { TenantOnly } from '../auth/decorators/access.decorator';
import { CurrentActor } from '../auth/decorators/current-actor.decorator';
import { TenantActor } from '../auth/principal';
import { UserRevocationResponse } from './user-revocation.response';
import { UserRevocationService } from './user-revocation.service';

@ApiTags('end users')
@ApiBearerAuth()
@TenantOnly()
@Controller({ path: 'users', version: '1' })
export class UsersController {
  constructor(private readonly revocation: UserRevocationService) {}

  /** Signs one of your users out of Callpass: sessions, kept refresh credentials and earlier IdP tokens stop working. */
  @Post(':userId/revoke')
  @HttpCode(200)
  @ApiErrors('validation_failed')
  revoke(@CurrentActor() actor: TenantActor, @Param('userId') userId: string): Promise<UserRevocationResponse> {
    return this.revocation.revoke(actor, actor.principal.tenantId, userId);
  }
}
