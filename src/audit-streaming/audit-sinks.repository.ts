import { Injectable } from '@nestjs/common';
import { CHAIN_LOGS, ChainLog, GENESIS_HASH } from '../audit-chain/chain-encoding';
import { afterCursor, CursorPosition } from '../common/pagination/cursor';
import { Db, PrismaService, TransactionClient } from '../database/prisma.service';
import { AuditSink, AuditSinkCursor, Prisma } from '../generated/prisma/client';
import { NEXT_UNDELIVERED_AT, NEXT_UNDELIVERED_ROW } from './sink-deliveries.repository';

export type AuditSinkWithCursors = AuditSink & { cursors: AuditSinkCursor[] };

export interface AuditSinkWrite {
  name?: string;
  url?: string;
  config?: Prisma.InputJsonObject;
  tokenOutcomes?: string[];
  maxBatchEvents?: number;
  paused?: boolean;
  pausedReason?: string | null;
  secretCiphertext?: string;
  secretKeyId?: string;
}

export interface DeliveryState {
  heads: Map<string, bigint>;
  oldestUndelivered: Map<string, Date>;
}

/** Where a tenant's chain of one log stands: its head, and the oldest row still kept (after pruning). */
interface ChainEnds {
  seq: string;
  hash: string;
  pruned_seq: string;
  pruned_hash: string;
}

/** Every method is addressed by tenant first: a sink of another tenant is simply not found. */
@Injectable()
export class AuditSinksRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(
    tenantId: string,
    data: Required<Omit<AuditSinkWrite, 'paused' | 'pausedReason'>> & { id: string; kind: string; logs: string[] },
    tx: TransactionClient,
  ) {
    return tx.auditSink.create({ data: { ...data, tenantId } });
  }

  find(tenantId: string, id: string, db: Db = this.prisma): Promise<AuditSinkWithCursors | null> {
    return db.auditSink.findUnique({ where: { tenantId_id: { tenantId, id } }, include: { cursors: { orderBy: { log: 'asc' } } } });
  }

  list(tenantId: string, after: CursorPosition | undefined, take: number): Promise<AuditSinkWithCursors[]> {
    return this.prisma.auditSink.findMany({
      where: { tenantId, ...afterCursor('createdAt', after) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      include: { cursors: { orderBy: { log: 'asc' } } },
      take,
    });
  }

  count(tenantId: string, tx: TransactionClient): Promise<number> {
    return tx.auditSink.count({ where: { tenantId } });
  }

  update(tenantId: string, id: string, data: AuditSinkWrite, tx: TransactionClient) {
    return tx.auditSink.update({ where: { tenantId_id: { tenantId, id } }, data, include: { cursors: { orderBy: { log: 'asc' } } } });
  }

  async delete(tenantId: string, id: string, tx: TransactionClient): Promise<void> {
    await tx.auditSink.delete({ where: { tenantId_id: { tenantId, id } } });
  }

  /**
   * One cursor per log, starting after the chain's head (`now`) or its oldest kept row (`oldest`). The head is read
   * under the lock its writers take (in their order: logs as CHAIN_LOGS lists them), so no row being appended
   * meanwhile falls before the start unseen.
   */
  async createCursors(tenantId: string, sinkId: string, logs: ChainLog[], startAt: 'now' | 'oldest', now: Date, tx: TransactionClient) {
    for (const log of CHAIN_LOGS.filter((chained) => logs.includes(chained))) {
      const [ends] = await tx.$queryRawUnsafe<ChainEnds[]>(
        `SELECT seq::text AS seq, hash, pruned_seq::text AS pruned_seq, pruned_hash FROM chain_heads
          WHERE log = $1 AND chain_id = $2::uuid FOR UPDATE`,
        log,
        tenantId,
      );
      const start = !ends
        ? { seq: 0n, hash: GENESIS_HASH }
        : startAt === 'now'
          ? { seq: BigInt(ends.seq), hash: ends.hash }
          : { seq: BigInt(ends.pruned_seq), hash: ends.pruned_hash };
      await tx.auditSinkCursor.create({
        data: {
          sinkId,
          tenantId,
          log,
          startSeq: start.seq,
          startHash: start.hash,
          deliveredSeq: start.seq,
          deliveredHash: start.hash,
          nextAttemptAt: now,
        },
      });
    }
  }

  /** A resumed sink is tried at once, its failure count started afresh. */
  async retryNow(tenantId: string, sinkId: string, now: Date, tx: TransactionClient): Promise<void> {
    await tx.auditSinkCursor.updateMany({ where: { tenantId, sinkId }, data: { attempts: 0, failingSince: null, nextAttemptAt: now } });
  }

  /**
   * How far the tenant's sinks have still to go: its chains' heads, by log, and for each sink and log the time of the
   * oldest row not yet delivered (keyed `<sink id> <log>`; absent when all is delivered).
   */
  async deliveryState(tenantId: string): Promise<DeliveryState> {
    const heads = await this.prisma.chainHead.findMany({ where: { chainId: tenantId }, select: { log: true, seq: true } });
    const oldest = await this.prisma.$queryRawUnsafe<{ sink_id: string; log: string; at: Date }[]>(
      `SELECT c.sink_id, c.log, ${NEXT_UNDELIVERED_AT} AS at FROM audit_sink_cursors c ${NEXT_UNDELIVERED_ROW}
        WHERE c.tenant_id = $1::uuid AND ${NEXT_UNDELIVERED_AT} IS NOT NULL`,
      tenantId,
    );
    return {
      heads: new Map(heads.map((head) => [head.log, head.seq])),
      oldestUndelivered: new Map(oldest.map((row) => [`${row.sink_id} ${row.log}`, new Date(row.at)])),
    };
  }

  /** Key rotation works across tenants: rows whose secrets are still wrapped by another key than `primaryKeyId`. */
  findWrappedByOtherKeys(primaryKeyId: string, excludeIds: string[], take: number) {
    return this.prisma.auditSink.findMany({
      where: { secretKeyId: { not: primaryKeyId }, id: { notIn: excludeIds } },
      select: { id: true, secretCiphertext: true },
      take,
    });
  }

  /** Compare-and-swap, so a rotation never overwrites a secret changed concurrently through the API. */
  async replaceCiphertext(id: string, expected: string, ciphertext: string, keyId: string): Promise<boolean> {
    const { count } = await this.prisma.auditSink.updateMany({
      where: { id, secretCiphertext: expected },
      data: { secretCiphertext: ciphertext, secretKeyId: keyId },
    });
    return count === 1;
  }

  countByKeyId() {
    return this.prisma.auditSink.groupBy({ by: ['secretKeyId'], _count: { _all: true } });
  }
}
