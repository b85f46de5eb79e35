import { AppError } from '../common/errors/app-error';
import { Endpoint } from '../generated/prisma/client';
import { VerifiedIdentity } from './identity-token-verifier';

/** Why the browser route would refuse the token: its code, message and details, as that route answers them. */
export class TokenTestRefusalResponse {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

/** One of the user's endpoints: the identity the user has with that provider account. */
export class TokenTestIdentityResponse {
  endpointId: string;
  providerAccountId: string;
  identity: string;
}

/** What the browser route would decide about an end user's JWT, short of minting. */
export class EndUserTokenTestResponse {
  /** Whether the browser route would take the token as its user's credential. */
  accepted: boolean;
  /** The Callpass user id the token names (the issuer's userIdPrefix and the user claim), when accepted. */
  userId: string | null;
  /** The issuer that verified it, when accepted. */
  issuer: string | null;
  /** Why it would be refused, when it would be. */
  error: TokenTestRefusalResponse | null;
  /** The user's endpoints, when accepted (none yet: the first token enrolls them, if an account auto-enrolls). */
  identities: TokenTestIdentityResponse[];

  static accepted(identity: VerifiedIdentity, endpoints: Endpoint[]): EndUserTokenTestResponse {
    return {
      accepted: true,
      userId: identity.userId,
      issuer: identity.issuer,
      error: null,
      identities: endpoints.map(({ id, providerAccountId, identity }) => ({ endpointId: id, providerAccountId, identity })),
    };
  }

  static refused({ code, message, details }: AppError): EndUserTokenTestResponse {
    return { accepted: false, userId: null, issuer: null, error: { code, message, details }, identities: [] };
  }
}
