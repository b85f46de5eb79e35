import { ChainPosition, chainPositionOf } from '../audit-chain/chain-position';
import { TokenIssuance } from '../generated/prisma/client';

/** One audit row of the token log: what was asked, what was granted, never the token itself. */
export class TokenIssuanceResponse {
  id: string;
  /** null for counted refusals of callers that named no tenant (admins only see those). */
  tenantId: string | null;
  providerAccountId: string | null;
  endpointId: string | null;
  userId: string | null;
  identity: string | null;
  actor: { kind: string; id: string | null };
  provider: string | null;
  tokenKind: string | null;
  grants: unknown;
  ttlSeconds: number | null;
  issuedAt: Date;
  expiresAt: Date | null;
  tokenFingerprint: string | null;
  requestId: string | null;
  clientIp: string | null;
  origin: string | null;
  outcome: 'issued' | 'refused' | 'failed';
  errorCode: string | null;
  /** How many refused requests the row counts (1 unless refusals of unauthenticated callers were counted per minute). */
  requestCount: number;
  chain: ChainPosition | null;

  static from(row: TokenIssuance): TokenIssuanceResponse {
    const { actorKind, actorId, chainId: _chain, chainSeq: _seq, chainPrev: _prev, chainHash: _hash, ...rest } = row;
    return { ...rest, actor: { kind: actorKind, id: actorId }, chain: chainPositionOf(row) };
  }
}
