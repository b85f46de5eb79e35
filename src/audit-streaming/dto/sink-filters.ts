import { CHAIN_LOGS, ChainLog } from '../../audit-chain/chain-encoding';

/** The logs a sink may receive, by the names the log routes and the chains use. */
export const SINK_LOGS = CHAIN_LOGS;
export const TOKEN_OUTCOMES = ['issued', 'refused', 'failed'] as const;
export type TokenOutcome = (typeof TOKEN_OUTCOMES)[number];
export type SinkLog = ChainLog;

/** Events per delivery: a receiver that must take smaller batches says so with `maxBatchEvents`. */
export const MAX_BATCH_EVENTS = 1000;
export const DEFAULT_BATCH_EVENTS = 500;
/** How long the secret before a rotation keeps signing, at most (a week) and by default (a day). */
export const MAX_SECRET_OVERLAP_SECONDS = 7 * 24 * 3600;
export const DEFAULT_SECRET_OVERLAP_SECONDS = 24 * 3600;
