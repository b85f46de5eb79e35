import { Injectable, Logger } from '@nestjs/common';
import { Db, PrismaService } from '../database/prisma.service';
import { IssuanceOutcome, Prisma } from '../generated/prisma/client';

export interface TokenIssuanceRecord {
  id: string;
  tenantId: string;
  providerAccountId?: string;
  endpointId?: string;
  userId?: string;
  identity?: string;
  actorKind: string;
  actorId?: string;
  provider?: string;
  tokenKind?: string;
  grants?: Prisma.InputJsonObject;
  ttlSeconds?: number;
  issuedAt: Date;
  expiresAt?: Date;
  /** The provider's token id, or a hash of the token. Never the token. */
  tokenFingerprint?: string;
  requestId?: string;
  clientIp?: string;
  origin?: string;
  outcome: IssuanceOutcome;
  errorCode?: string;
}

interface Pending {
  record: TokenIssuanceRecord;
  committed: () => void;
  failed: (error: unknown) => void;
}

/** Rows per INSERT; a burst larger than this is written in several statements. */
const MAX_BATCH = 500;

/**
 * Appends rows to the token log. Concurrent appends are grouped into one multi-row INSERT (one commit instead
 * of one per request; this is what caps issuing throughput), and each caller's promise settles only when its
 * row is committed or known to have failed. A failed batch fails every caller in it: fail closed.
 */
@Injectable()
export class TokenIssuanceLog {
  private readonly logger = new Logger(TokenIssuanceLog.name);
  private pending: Pending[] = [];
  private flushScheduled = false;

  constructor(private readonly prisma: PrismaService) {}

  append(record: TokenIssuanceRecord): Promise<void> {
    return new Promise((committed, failed) => {
      this.pending.push({ record, committed, failed });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  /** Inside a caller's transaction (a refresh rotates its credential in the same commit). */
  async appendWithin(db: Db, record: TokenIssuanceRecord): Promise<void> {
    await db.tokenIssuance.create({ data: record });
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_BATCH);
      try {
        await this.prisma.tokenIssuance.createMany({ data: batch.map((entry) => entry.record) });
        for (const entry of batch) entry.committed();
      } catch (error) {
        this.logger.error(`Could not record ${batch.length} token issuance(s): ${(error as Error).message}`);
        for (const entry of batch) entry.failed(error);
      }
    }
  }
}
