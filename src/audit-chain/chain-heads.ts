import { SqlRunner } from '../database/database-connection';
import { HOT_PATH } from '../database/hot-path-statements';
import { ChainLink, ChainLog, GENESIS_HASH, linkHash } from './chain-encoding';

/** Where a chain ends: its last position and hash. */
export interface ChainHead {
  seq: bigint;
  hash: string;
}

/** A row to chain: its chain (tenant) and its content, in the log's column order. */
export interface Chainable {
  chainId: string;
  content: unknown[];
}

/**
 * Extends chains inside the caller's transaction: locks their heads (creating any missing, in a fixed order so that
 * concurrent writers cannot deadlock), links each row to the one before it, and returns the statement that moves
 * the heads, to run in the same transaction as the rows' INSERT. Whoever holds a head's lock writes that chain's
 * next rows, so concurrent writers on every replica produce one gapless chain per tenant.
 */
export async function linkRows(
  run: SqlRunner,
  log: ChainLog,
  rows: Chainable[],
): Promise<{ links: ChainLink[]; heads: Map<string, ChainHead>; moveHeads: { sql: string; params: unknown[] } }> {
  const chains = [...new Set(rows.map((row) => row.chainId))].sort();
  const locked = await run<{ chain_id: string; seq: string; hash: string }>(HOT_PATH.lockChainHeads.text, [log, chains, GENESIS_HASH]);
  const { links, heads } = linkAfter(new Map(locked.map((head) => [head.chain_id, { seq: BigInt(head.seq), hash: head.hash }])), rows);
  const moved = [...heads.entries()];
  return {
    links,
    heads,
    moveHeads: {
      sql: HOT_PATH.moveChainHeads.text,
      params: [log, moved.map(([chain]) => chain), moved.map(([, head]) => head.seq.toString()), moved.map(([, head]) => head.hash)],
    },
  };
}

/** Links rows after the given heads, in order; returns the links and where each chain then ends. */
export function linkAfter(start: Map<string, ChainHead>, rows: Chainable[]): { links: ChainLink[]; heads: Map<string, ChainHead> } {
  const heads = new Map(start);
  const links = rows.map((row) => {
    const head = heads.get(row.chainId)!;
    const seq = head.seq + 1n;
    const link = { chainId: row.chainId, seq, prev: head.hash, hash: linkHash(head.hash, row.chainId, seq, row.content) };
    heads.set(row.chainId, { seq, hash: link.hash });
    return link;
  });
  return { links, heads };
}
