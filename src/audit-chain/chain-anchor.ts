import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DATABASE_CONNECTION, DatabaseConnection } from '../database/database-connection';
import { ChainLog, NO_TENANT_CHAIN } from './chain-encoding';
import { ChainHeadView } from './chain.responses';

const ANCHOR_EVERY_MS = 60_000;

/**
 * Writes each chain head that moved to the service's log, at most once a minute: an operator who ships the log
 * elsewhere keeps heads that whoever can write the database cannot rewrite. Across replicas each move is logged
 * once (the UPDATE that marks it anchored decides who logs it).
 */
@Injectable()
export class ChainAnchorService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ChainAnchor');
  private timer?: NodeJS.Timeout;

  constructor(@Inject(DATABASE_CONNECTION) private readonly db: DatabaseConnection) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(
      () => void this.anchor().catch((error: Error) => this.logger.warn(`Could not anchor the chain heads: ${error.message}`)),
      ANCHOR_EVERY_MS,
    ).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Logs every head that moved since it was last logged; returns them. */
  async anchor(): Promise<ChainHeadView[]> {
    // Heads locked in the order writers lock them, skipping any a writer holds (next minute then): no deadlock.
    const moved = await this.db.query<RawHead>(
      `UPDATE chain_heads h SET anchored_seq = h.seq
         FROM (SELECT log, chain_id FROM chain_heads WHERE seq > anchored_seq ORDER BY log, chain_id FOR UPDATE SKIP LOCKED) due
        WHERE h.log = due.log AND h.chain_id = due.chain_id
        RETURNING h.log, h.chain_id, h.seq::text AS seq, h.hash, h.pruned_seq::text AS pruned_seq, h.updated_at`,
      [],
    );
    const heads = moved.map(view).sort((a, b) => `${a.log} ${a.tenantId}`.localeCompare(`${b.log} ${b.tenantId}`));
    for (const head of heads) {
      this.logger.log(`Chain head ${head.log} ${head.tenantId ?? 'no tenant'} #${head.seq} ${head.hash}`);
    }
    return heads;
  }

  async heads(): Promise<ChainHeadView[]> {
    return (await this.db.query<RawHead>(`SELECT ${HEAD_COLUMNS} FROM chain_heads ORDER BY log, chain_id`, [])).map(view);
  }
}

const HEAD_COLUMNS = 'log, chain_id, seq::text AS seq, hash, pruned_seq::text AS pruned_seq, updated_at';

interface RawHead {
  log: ChainLog;
  chain_id: string;
  seq: string;
  hash: string;
  pruned_seq: string;
  updated_at: Date;
}

function view(head: RawHead): ChainHeadView {
  return {
    log: head.log,
    tenantId: head.chain_id === NO_TENANT_CHAIN ? null : head.chain_id,
    seq: head.seq,
    hash: head.hash,
    prunedSeq: head.pruned_seq,
    updatedAt: head.updated_at,
  };
}
