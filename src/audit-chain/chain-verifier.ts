import { Inject, Injectable } from '@nestjs/common';
import { AUDIT_EVENT_CONTENT_COLUMNS } from '../audit/audit-events.repository';
import { TOKEN_LOG_CONTENT_COLUMNS } from '../token-log/token-issuance-log';
import { DATABASE_CONNECTION, DatabaseConnection } from '../database/database-connection';
import { CHAIN_LOGS, ChainLog, linkHash } from './chain-encoding';
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
export class ChainVerifier {
  constructor(@Inject(DATABASE_CONNECTION) private readonly db: DatabaseConnection) {}

  async verify(tenantId?: string): Promise<ChainVerification> {
    const heads = await this.db.query<Head>(
      `SELECT log, chain_id, seq::text AS seq, hash, pruned_seq::text AS pruned_seq, pruned_hash FROM chain_heads
        WHERE $1::uuid IS NULL OR chain_id = $1::uuid ORDER BY log, chain_id`,
      [tenantId ?? null],
    );
    let rows = 0;
    for (const head of heads) {
      const walked = await this.walk(head);
      rows += walked.rows;
      if (walked.broken) return { intact: false, chains: heads.length, rows, broken: walked.broken };
    }
    for (const log of CHAIN_LOGS) {
      const stray = await this.unchainedRow(log, tenantId);
      if (stray) return { intact: false, chains: heads.length, rows, broken: stray };
    }
    return { intact: true, chains: heads.length, rows };
  }

  private async walk(head: Head): Promise<{ rows: number; broken?: ChainBreak }> {
    const columns = CONTENT_COLUMNS[head.log];
    const tenantId = head.chain_id === '00000000-0000-0000-0000-000000000000' ? null : head.chain_id;
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
      const page = await this.db.query<Record<string, unknown> & { position: string; chain_prev: string; chain_hash: string; id: string }>(
        `SELECT ${columns.join(', ')}, chain_seq::text AS position, chain_prev, chain_hash FROM ${head.log}
          WHERE chain_id = $1 AND chain_seq >= $2 ORDER BY chain_seq LIMIT ${PAGE}`,
        [head.chain_id, expected.toString()],
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

  /** A row with no place in a chain is allowed only from before the chain existed (ids grow with time). */
  private async unchainedRow(log: ChainLog, tenantId: string | undefined): Promise<ChainBreak | undefined> {
    const [row] = await this.db.query<{ id: string; tenant_id: string | null }>(
      `SELECT id, tenant_id FROM ${log}
        WHERE chain_id IS NULL AND ($1::uuid IS NULL OR tenant_id = $1::uuid)
          AND id > (SELECT id FROM ${log} WHERE chain_id IS NOT NULL ORDER BY id LIMIT 1)
        ORDER BY id LIMIT 1`,
      [tenantId ?? null],
    );
    return row && { log, tenantId: row.tenant_id, seq: '0', rowId: row.id, problem: 'row_unchained' };
  }
}
