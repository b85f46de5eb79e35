import { ChainLog } from './chain-encoding';

export type ChainProblem =
  /** A row's content no longer gives its hash. */
  | 'row_altered'
  /** A row does not link to the one before it (rows reordered, or one put in between). */
  | 'link_broken'
  /** Positions skip: a row was removed. */
  | 'row_missing'
  /** The chain ends before its head: rows were removed from its end. */
  | 'tail_missing'
  /** A row outside any chain, written after the chain began. */
  | 'row_unchained'
  /** A row claiming a place no chain has: no head, before its start, past its head, or another tenant's chain. */
  | 'row_outside_chain';

/** The first broken link found. */
export class ChainBreak {
  log: ChainLog;
  /** The tenant, or null for the chain of rows of no tenant. */
  tenantId: string | null;
  /** The position where the chain breaks. */
  seq: string;
  /** The row at fault, where there is one (none for a missing row). */
  rowId: string | null;
  problem: ChainProblem;
}

export class ChainVerification {
  intact: boolean;
  /** Chains walked (a tenant has one per log). */
  chains: number;
  /** Rows whose links were checked. */
  rows: number;
  broken?: ChainBreak;
}

export class ChainHeadView {
  log: ChainLog;
  tenantId: string | null;
  /** The last position of the chain. */
  seq: string;
  hash: string;
  /** Rows up to here were pruned; verification starts after them. */
  prunedSeq: string;
  updatedAt: Date;
}

export class ChainHeadsResponse {
  data: ChainHeadView[];
}
