import { Injectable } from '@nestjs/common';
import { Db, PrismaService, TransactionClient } from '../database/prisma.service';

export interface NewProviderSession {
  id: string;
  endpointId: string;
  tokenKind: string;
  currentTokenId: string;
  secretCiphertext: string;
  secretKeyId: string;
  expiresAt: Date;
}

/** Kept refresh credentials. Addressed by tenant first, like every tenant-owned row. */
@Injectable()
export class ProviderSessionsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** A session and its token-log row are written in one commit. */
  transaction<T>(work: (tx: TransactionClient) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work);
  }

  async create(tenantId: string, session: NewProviderSession, db: Db): Promise<void> {
    await db.providerSession.create({ data: { ...session, tenantId } });
  }

  /** Sessions past their expiry hold a dead credential; each new session clears its endpoint's. */
  async deleteExpired(tenantId: string, endpointId: string, now: Date, db: Db): Promise<void> {
    await db.providerSession.deleteMany({ where: { tenantId, endpointId, expiresAt: { lte: now } } });
  }

  /** Drops every kept refresh credential of one user's endpoints (the user was revoked); returns how many. */
  async deleteForUser(tenantId: string, userId: string, db: Db): Promise<number> {
    const { count } = await db.providerSession.deleteMany({ where: { tenantId, endpoint: { userId } } });
    return count;
  }

  findByCurrentToken(tenantId: string, tokenId: string) {
    return this.prisma.providerSession.findFirst({
      where: { tenantId, currentTokenId: tokenId },
      include: { endpoint: { include: { providerAccount: true, tenant: true } } },
    });
  }

  /**
   * Takes the refresh lease: of concurrent refreshes of one token, exactly one gets it, before any of them spends
   * the credential at the provider. A lease left by a crashed process expires by itself.
   */
  async claimRefresh(tenantId: string, id: string, tokenId: string, now: Date, until: Date): Promise<boolean> {
    const { count } = await this.prisma.providerSession.updateMany({
      where: { tenantId, id, currentTokenId: tokenId, OR: [{ refreshLockedUntil: null }, { refreshLockedUntil: { lte: now } }] },
      data: { refreshLockedUntil: until },
    });
    return count === 1;
  }

  /** Gives the lease back after a refresh that spent nothing (the provider call failed). */
  async releaseRefresh(tenantId: string, id: string): Promise<void> {
    await this.prisma.providerSession.updateMany({ where: { tenantId, id }, data: { refreshLockedUntil: null } });
  }

  /** Moves the chain to the new token with the rotated credential, and ends the lease. */
  async rotate(
    tenantId: string,
    id: string,
    expectedTokenId: string,
    next: { currentTokenId: string; secretCiphertext: string; secretKeyId: string; expiresAt: Date },
    db: Db,
  ): Promise<boolean> {
    const { count } = await db.providerSession.updateMany({
      where: { tenantId, id, currentTokenId: expectedTokenId },
      data: { ...next, refreshLockedUntil: null },
    });
    return count === 1;
  }

  findWrappedByOtherKeys(primaryKeyId: string, excludeIds: string[], take: number) {
    return this.prisma.providerSession.findMany({
      where: { secretKeyId: { not: primaryKeyId }, id: { notIn: excludeIds } },
      select: { id: true, secretCiphertext: true },
      take,
    });
  }

  async replaceCiphertext(id: string, expected: string, ciphertext: string, keyId: string): Promise<boolean> {
    const { count } = await this.prisma.providerSession.updateMany({
      where: { id, secretCiphertext: expected },
      data: { secretCiphertext: ciphertext, secretKeyId: keyId },
    });
    return count === 1;
  }

  countByKeyId() {
    return this.prisma.providerSession.groupBy({ by: ['secretKeyId'], _count: { _all: true } });
  }
}
