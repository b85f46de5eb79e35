import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-custom';
import { EndUserAuthenticator } from '../../end-users/end-user-authenticator.service';
import { EndUserPrincipal } from '../principal';

export const END_USER_STRATEGY = 'end-user';

/** The browser routes (`/v1/client/:tenantSlug/…`): `Authorization: Bearer <IdP JWT or cp_sess_…>`, for that tenant. */
@Injectable()
export class EndUserStrategy extends PassportStrategy(Strategy, END_USER_STRATEGY) {
  constructor(private readonly authenticator: EndUserAuthenticator) {
    super();
  }

  validate(request: FastifyRequest<{ Params: { tenantSlug?: string } }>): Promise<EndUserPrincipal> {
    const credential = /^Bearer +(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    return this.authenticator.authenticate(request.params.tenantSlug ?? '', credential);
  }
}
