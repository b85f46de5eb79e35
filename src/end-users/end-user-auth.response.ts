import { EndUserIssuer } from '../generated/prisma/client';

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
  updatedAt: Date;

  static from(row: EndUserIssuer): IssuerResponse {
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
      updatedAt: row.updatedAt,
    };
  }
}

export class EndUserAuthResponse {
  issuers: IssuerResponse[];
  /** Whether Callpass end-user sessions may be created and used. */
  sessions: boolean;
}
