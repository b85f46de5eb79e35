import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-custom';
import { EndUserAuthenticatorService } from '../../end-users/end-user-authenticator.service';
import { EndUserPrincipal } from '../principal';
import { bearerCredential } from './bearer-credential';

export const IDENTITY_PROVIDER_STRATEGY = 'end-user-jwt';

/** Browser routes (`/v1/client/:tenantSlug/…`): `Authorization: Bearer <JWT from one of the tenant's identity providers>`. */
@Injectable()
export class IdentityProviderStrategy extends PassportStrategy(Strategy, IDENTITY_PROVIDER_STRATEGY) {
  constructor(private readonly authenticator: EndUserAuthenticatorService) {
    super();
  }

  validate(request: FastifyRequest<{ Params: { tenantSlug?: string } }>): Promise<EndUserPrincipal> {
    return this.authenticator.fromIdentityToken(request.params.tenantSlug ?? '', bearerCredential(request));
  }
}
