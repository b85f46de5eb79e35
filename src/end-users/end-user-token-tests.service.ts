import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { EndpointsRepository } from '../endpoints/endpoints.repository';
import { EndUserAuthenticatorService } from './end-user-authenticator.service';
import { EndUserTokenTestResponse } from './end-user-token-test.response';
import { endUserErrors } from './end-users.errors';
import { VerifiedIdentity } from './identity-token-verifier';

/** A user has at most one endpoint per provider account; more than this many are not listed. */
const MAX_IDENTITIES = 100;

/**
 * Tells a tenant what its browser route would make of an end user's JWT: the same checks, but nothing minted,
 * logged in the token log or counted against the user's rate limit. Only the tenant's own issuers are used.
 */
@Injectable()
export class EndUserTokenTestsService {
  constructor(
    private readonly authenticator: EndUserAuthenticatorService,
    private readonly endpoints: EndpointsRepository,
  ) {}

  async test(tenantId: string, token: string): Promise<EndUserTokenTestResponse> {
    let identity: VerifiedIdentity;
    try {
      identity = await this.authenticator.checkIdentityToken(tenantId, token);
    } catch (error) {
      // Only the end-user refusals are verdicts: anything else (a database outage, a bug) is Callpass's fault, answered
      // as the browser route answers it.
      if (error instanceof AppError && Object.hasOwn(endUserErrors, error.code)) return EndUserTokenTestResponse.refused(error);
      throw error;
    }
    const endpoints = await this.endpoints.list(tenantId, { userId: identity.userId }, undefined, MAX_IDENTITIES);
    return EndUserTokenTestResponse.accepted(identity, endpoints);
  }
}
