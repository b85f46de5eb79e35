import { Inject, Injectable } from '@nestjs/common';
import { AUDIT_EVENT_CONTENT_COLUMNS } from '../audit/audit-events.repository';
import { TOKEN_LOG_CONTENT_COLUMNS } from '../token-log/token-issuance-log';
import { DATABASE_CONNECTION, DatabaseConnection, SqlRunner } from '../database/database-connection';
import { CHAIN_LOGS, ChainLog, linkHash, NO_TENANT_CHAIN } from './chain-encoding';
import { ChainBreak, ChainProblem, ChainVerification } from './chain.responses';

const CONTENT_COLUMNS: Record<ChainLog, readonly string[]> = {
  token_issuances: TOKEN_LOG_CONTENT_COLUMNS,
  audit_events: AUDIT_EVENT_CONTENT_COLUMNS,
};
const PAGE = 1000;

interface Head {
  log: ChainLog;
  chain_id: string;
  seq: string;
  hash: string;
  pruned_seq: string;
  pruned_hash: string;
}

/**
 * Walks every chain (or one tenant's) from its start (or its pruning anchor) to its head, recomputing each link:
 * catches an edited row, a removed one, a reordered pair, one put in between, and a cut-off tail.
 */
@Injectable()
export class ChainVerifierService {
  constructor(@Inject(DATABASE_CONNECTION) private readonly db: DatabaseConnection) {}

  /** On one consistent snapshot: rows committed while it runs are neither half seen nor taken for tampering. */
  verify(tenantId?: string): Promise<ChainVerification> {
    return this.db.transaction((run) => this.verifyOn(run, tenantId?.toLowerCase()), { snapshot: true });
  }

  private async verifyOn(run: SqlRunner, tenantId: string | undefined): Promise<ChainVerification> {
    const heads = await run<Head>(
      `SELECT log, chain_id, seq::text AS seq, hash, pruned_seq::text AS pruned_seq, pruned_hash FROM chain_heads
        WHERE $1::uuid IS NULL OR chain_id = $1::uuid ORDER BY log, chain_id`,
      [tenantId ?? null],
    );
    let rows = 0;
    for (const head of heads) {
      const walked = await this.walk(run, head);
      rows += walked.rows;
      if (walked.broken) return { intact: false, chains: heads.length, rows, broken: walked.broken };
    }
    for (const log of CHAIN_LOGS) {
      const stray = (await this.outsideChains(run, log, tenantId)) ?? (await this.unchainedRow(run, log, tenantId));
      if (stray) return { intact: false, chains: heads.length, rows, broken: stray };
    }
    return { intact: true, chains: heads.length, rows };
  }

  private async walk(run: SqlRunner, head: Head): Promise<{ rows: number; broken?: ChainBreak }> {
    const columns = CONTENT_COLUMNS[head.log];
    const tenantId = head.chain_id === NO_TENANT_CHAIN ? null : head.chain_id;
    const breakAt = (seq: bigint | string, rowId: string | null, problem: ChainProblem): ChainBreak => ({
      log: head.log,
      tenantId,
      seq: seq.toString(),
      rowId,
      problem,
    });
    let expected = BigInt(head.pruned_seq) + 1n;
    let previous = head.pruned_hash;
    let rows = 0;
    for (;;) {
      const page = await run<Record<string, unknown> & { position: string; chain_prev: string; chain_hash: string; id: string }>(
        `SELECT ${columns.join(', ')}, chain_seq::text AS position, chain_prev, chain_hash FROM ${head.log}
          WHERE chain_id = $1 AND chain_seq >= $2 AND chain_seq <= $3 ORDER BY chain_seq LIMIT ${PAGE}`,
        [head.chain_id, expected.toString(), head.seq],
      );
      for (const row of page) {
        const seq = BigInt(row.position);
        if (seq !== expected) return { rows, broken: breakAt(expected, null, 'row_missing') };
        if (row.chain_prev !== previous) return { rows, broken: breakAt(seq, row.id, 'link_broken') };
        const content = columns.map((column) => row[column]);
        if (linkHash(previous, head.chain_id, seq, content) !== row.chain_hash)
          return { rows, broken: breakAt(seq, row.id, 'row_altered') };
        previous = row.chain_hash;
        expected += 1n;
        rows += 1;
      }
      if (page.length < PAGE) break;
    }
    if (expected - 1n !== BigInt(head.seq) || previous !== head.hash) return { rows, broken: breakAt(expected, null, 'tail_missing') };
    return { rows };
  }

  /**
   * A row claiming a place no walk visits: in a chain with no head, before the chain's start, past its head, or in
   * another tenant's chain than its own.
   */
  private async outsideChains(run: SqlRunner, log: ChainLog, tenantId: string | undefined): Promise<ChainBreak | undefined> {
    const [row] = await run<{ id: string; chain_id: string; seq: string }>(
      `SELECT r.id, r.chain_id, r.chain_seq::text AS seq FROM ${log} r
         LEFT JOIN chain_heads h ON h.log = $1 AND h.chain_id = r.chain_id
        WHERE r.chain_id IS NOT NULL AND ($2::uuid IS NULL OR r.chain_id = $2::uuid)
          AND (h.chain_id IS NULL OR r.chain_seq <= h.pruned_seq OR r.chain_seq > h.seq
               OR r.chain_id <> coalesce(r.tenant_id, $3::uuid))
        LIMIT 1`,
      [log, tenantId ?? null, NO_TENANT_CHAIN],
    );
    return (
      row && {
        log,
        tenantId: row.chain_id === NO_TENANT_CHAIN ? null : row.chain_id,
        seq: row.seq,
        rowId: row.id,
        problem: 'row_outside_chain',
      }
    );
  }

  /** A row with no place in a chain is allowed only up to the newest row written before the chain began. */
  private async unchainedRow(run: SqlRunner, log: ChainLog, tenantId: string | undefined): Promise<ChainBreak | undefined> {
    const [row] = await run<{ id: string; tenant_id: string | null }>(
      `SELECT id, tenant_id FROM ${log}
        WHERE chain_id IS NULL AND ($1::uuid IS NULL OR tenant_id = $1::uuid)
          AND id > coalesce((SELECT last_unchained_id FROM chain_starts WHERE log = $2), $3::uuid)
        ORDER BY id LIMIT 1`,
      [tenantId ?? null, log, NO_TENANT_CHAIN],
    );
    return row && { log, tenantId: row.tenant_id, seq: '0', rowId: row.id, problem: 'row_unchained' };
  }
}
