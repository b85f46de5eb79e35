import { EndUserIssuer, EndUserJwksStatus } from '../generated/prisma/client';

export class JwksErrorResponse {
  /** tls, dns, connect, timeout, status, too_large, not_json, no_usable_keys, forbidden_address, not_https or forbidden_port. */
  cause: string;
  /** The HTTP status, for cause `status`. */
  status: number | null;
  at: Date;
}

/** What the last fetches of the issuer's JWKS found (by any replica). */
export class JwksStatusResponse {
  /** The last successful fetch, if any. */
  fetchedAt: Date | null;
  /** The key ids that fetch found usable ("" for a key without one). */
  keyIds: string[];
  /** The last failed fetch, if any (it may be older than fetchedAt). */
  lastError: JwksErrorResponse | null;

  static from(row: EndUserJwksStatus | undefined): JwksStatusResponse {
    return {
      fetchedAt: row?.fetchedAt ?? null,
      keyIds: row?.keyIds ?? [],
      lastError: row?.errorCause ? { cause: row.errorCause, status: row.errorStatus, at: row.errorAt! } : null,
    };
  }
}

export class IssuerResponse {
  id: string;
  issuer: string;
  audience: string;
  jwksUrl: string | null;
  publicKeyPem: string | null;
  /** Whether a shared secret is stored (it is never returned). */
  hasSecret: boolean;
  algorithms: string[];
  tokenType: string | null;
  userClaim: string;
  userIdPrefix: string;
  clockSkewSeconds: number;
  /** How long a fetched JWKS is used (with a jwksUrl). */
  jwksMaxAgeSeconds: number;
  /** With a jwksUrl: the last fetch, its key ids and the last error; null otherwise. */
  jwks: JwksStatusResponse | null;
  updatedAt: Date;

  static from(row: EndUserIssuer, status?: EndUserJwksStatus): IssuerResponse {
    return {
      id: row.id,
      issuer: row.issuer,
      audience: row.audience,
      jwksUrl: row.jwksUrl,
      publicKeyPem: row.publicKeyPem,
      hasSecret: row.secretCiphertext !== null,
      algorithms: row.algorithms,
      tokenType: row.tokenType,
      userClaim: row.userClaim,
      userIdPrefix: row.userIdPrefix,
      clockSkewSeconds: row.clockSkewSeconds,
      jwksMaxAgeSeconds: row.jwksMaxAgeSeconds,
      jwks: row.jwksUrl ? JwksStatusResponse.from(status) : null,
      updatedAt: row.updatedAt,
    };
  }
}

export class EndUserAuthResponse {
  issuers: IssuerResponse[];
  /** Whether Callpass end-user sessions may be created and used. */
  sessions: boolean;
}
