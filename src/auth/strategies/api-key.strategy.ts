import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-custom';
import { ApiKeyAuthenticatorService } from '../../api-keys/api-key-authenticator.service';
import { authErrors } from '../auth.errors';
import { Principal } from '../principal';
import { bearerCredential } from './bearer-credential';

export const API_KEY_STRATEGY = 'api-key';

/** `Authorization: Bearer cp_...` only: keys are never read from the query string or body. */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(Strategy, API_KEY_STRATEGY) {
  constructor(private readonly authenticator: ApiKeyAuthenticatorService) {
    super();
  }

  validate(request: FastifyRequest): Promise<Principal> {
    const key = bearerCredential(request);
    if (!key) throw authErrors.authentication_required();
    return this.authenticator.authenticate(key);
  }
}
