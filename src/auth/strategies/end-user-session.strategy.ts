import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-custom';
import { EndUserAuthenticatorService } from '../../end-users/end-user-authenticator.service';
import { EndUserPrincipal } from '../principal';
import { bearerCredential } from './bearer-credential';

export const END_USER_SESSION_STRATEGY = 'end-user-session';

/** Browser routes (`/v1/client/:tenantSlug/…`): `Authorization: Bearer cp_sess_…`, a session the tenant's backend created. */
@Injectable()
export class EndUserSessionStrategy extends PassportStrategy(Strategy, END_USER_SESSION_STRATEGY) {
  constructor(private readonly authenticator: EndUserAuthenticatorService) {
    super();
  }

  validate(request: FastifyRequest<{ Params: { tenantSlug?: string } }>): Promise<EndUserPrincipal> {
    return this.authenticator.fromSession(request.params.tenantSlug ?? '', bearerCredential(request) ?? '');
  }
}
