import { compactVerify, createLocalJWKSet, JSONWebKeySet } from 'jose';
import { CHAIN_LOGS, canonicalJson, ChainLog, linkHash } from '../audit-chain/chain-encoding';
import { batchLinksDigest, CheckpointClaim, STREAM_CONTENT_COLUMNS, StreamEvent } from './stream-events';

/** What can be wrong with a received stream, first found first. */
export type ExportProblemKind =
  | 'unreadable_line'
  | 'checkpoint_invalid'
  | 'no_checkpoint'
  | 'reordered'
  | 'inserted'
  | 'missing'
  | 'link_broken'
  | 'altered'
  | 'checkpoint_mismatch'
  | 'unvouched';

export interface ExportProblem {
  kind: ExportProblemKind;
  /** The chain position concerned, when there is one. */
  seq?: string;
  /** The input line (1-based, across every input in order). */
  line?: number;
  detail: string;
}

export interface ChainExportReport {
  log: ChainLog;
  tenantId: string;
  /** Distinct events received (repeats of one event are counted once). */
  events: number;
  /** Events received as their link alone (left out by the sink's filters): linked, content not checked. */
  elided: number;
  repeats: number;
  /** The position the stream starts after, as the checkpoints sign it. */
  startSeq: string | null;
  /** The last position a valid checkpoint vouches for: the stream is proven complete and unaltered up to there. */
  verifiedThrough: string | null;
  /** Events after the last checkpoint: received, not yet vouched for. */
  unconfirmed: number;
  problem?: ExportProblem;
}

export interface ExportVerification {
  intact: boolean;
  chains: ChainExportReport[];
  /** A problem no chain can be named for (a line that is not JSON). */
  problem?: ExportProblem;
}

interface Received {
  event: StreamEvent;
  line: number;
}

interface ChainState {
  log: ChainLog;
  tenantId: string;
  bySeq: Map<bigint, Received>;
  repeats: number;
  /** The first line whose event comes before one already received. */
  outOfOrder?: ExportProblem;
  inserted?: ExportProblem;
  highest: bigint;
  checkpoints: (CheckpointClaim & { line: number })[];
  invalidCheckpoint?: ExportProblem;
}

/**
 * Proves offline, from the received lines alone and the operator's published checkpoint keys, that a stream is
 * complete and unaltered up to its last checkpoint, or names the first gap, edit, reordering or insertion. Accepts
 * NDJSON of events and checkpoints (as an object store receives them), webhook bodies (one per line, whose
 * `data.items` are those lines) and syslog messages (one per line).
 */
export async function verifyExport(lines: AsyncIterable<string> | Iterable<string>, keySet: JSONWebKeySet): Promise<ExportVerification> {
  const keys = createLocalJWKSet(keySet);
  const chains = new Map<string, ChainState>();
  const chainOf = (log: ChainLog, tenantId: string): ChainState => {
    const key = `${log} ${tenantId}`;
    let chain = chains.get(key);
    if (!chain) {
      chain = { log, tenantId, bySeq: new Map(), repeats: 0, highest: -1n, checkpoints: [] };
      chains.set(key, chain);
    }
    return chain;
  };
  let lineNumber = 0;
  for await (const text of lines) {
    lineNumber += 1;
    if (text.trim() === '') continue;
    const items = itemsOf(text);
    if (!items) return unreadable(chains, lineNumber, 'not a stream event, checkpoint or webhook body');
    for (const item of items) {
      if (isEvent(item)) receiveEvent(chainOf(item.log, item.tenantId), item, lineNumber);
      else if (isCheckpoint(item)) {
        const claim = await verifiedClaim(item.jws, keys);
        const chain = claim && chainOf(claim.log, claim.tenantId);
        if (!claim || !chain) {
          const target = isChainLog(item.log) && typeof item.tenantId === 'string' ? chainOf(item.log, item.tenantId) : undefined;
          const problem = {
            kind: 'checkpoint_invalid' as const,
            line: lineNumber,
            detail: 'the checkpoint signature does not verify with the given keys',
          };
          if (!target) return { intact: false, chains: [], problem };
          target.invalidCheckpoint ??= problem;
        } else chain.checkpoints.push({ ...claim, line: lineNumber });
      } else if (!isTestMessage(item)) return unreadable(chains, lineNumber, 'an item that is neither an event nor a checkpoint');
    }
  }
  const reports = [...chains.values()].map(reportOf);
  return { intact: reports.length > 0 && reports.every((report) => !report.problem), chains: reports };
}

function receiveEvent(chain: ChainState, event: StreamEvent, line: number): void {
  const seq = BigInt(event.seq);
  const earlier = chain.bySeq.get(seq);
  if (earlier) {
    if (canonicalJson(earlier.event) === canonicalJson(event)) chain.repeats += 1;
    else chain.inserted ??= { kind: 'inserted', seq: event.seq, line, detail: `a second, different event claims position ${seq}` };
    return;
  }
  if (seq < chain.highest) {
    chain.outOfOrder ??= { kind: 'reordered', seq: event.seq, line, detail: `position ${seq} came after position ${chain.highest}` };
  }
  chain.bySeq.set(seq, { event, line });
  if (seq > chain.highest) chain.highest = seq;
}

function reportOf(chain: ChainState): ChainExportReport {
  const events = [...chain.bySeq.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const elided = events.filter(([, { event }]) => event.elided).length;
  const report = (problem: ExportProblem | undefined, verifiedThrough: bigint | null, startSeq: string | null): ChainExportReport => ({
    log: chain.log,
    tenantId: chain.tenantId,
    events: events.length,
    elided,
    repeats: chain.repeats,
    startSeq,
    verifiedThrough: verifiedThrough?.toString() ?? null,
    unconfirmed: events.filter(([seq]) => verifiedThrough === null || seq > verifiedThrough).length,
    ...(problem && { problem }),
  });
  const first = chain.checkpoints[0];
  if (chain.invalidCheckpoint) return report(chain.invalidCheckpoint, null, first?.startSeq ?? null);
  if (!first) return report({ kind: 'no_checkpoint', detail: 'no valid checkpoint: nothing can be vouched for' }, null, null);
  // Every problem is placed at a position; the lowest one is the first thing wrong with the stream.
  const problems: ExportProblem[] = [chain.outOfOrder, chain.inserted].filter((problem): problem is ExportProblem => !!problem);
  const linkedThrough = walkLinks(chain, events, BigInt(first.startSeq), first.startHash, problems);
  // Each checkpoint that matches vouches for its batch's links; the stream is proven as far as they cover it unbroken.
  const vouched: [bigint, bigint][] = [];
  for (const checkpoint of chain.checkpoints) {
    const seq = BigInt(checkpoint.seq);
    const at = { seq: checkpoint.seq, line: checkpoint.line };
    if (checkpoint.startSeq !== first.startSeq || checkpoint.startHash !== first.startHash || checkpoint.sinkId !== first.sinkId) {
      problems.push({
        kind: 'checkpoint_mismatch',
        ...at,
        detail: 'checkpoints of this chain disagree on the sink or where its stream starts',
      });
    } else if (seq > linkedThrough) {
      if (problems.length === 0) {
        const next = (linkedThrough + 1n).toString();
        problems.push({ kind: 'missing', seq: next, line: checkpoint.line, detail: `position ${next} was never received` });
      }
    } else {
      const from = BigInt(checkpoint.fromSeq);
      const batch = [...range(from, seq)].map((position) => chain.bySeq.get(position)!.event);
      if (batch[batch.length - 1].hash !== checkpoint.hash || batchLinksDigest(batch) !== checkpoint.links) {
        problems.push({
          kind: 'checkpoint_mismatch',
          ...at,
          detail: `the links received from position ${from} to ${seq} are not those the checkpoint signs`,
        });
      } else vouched.push([from, seq]);
    }
  }
  let verifiedThrough = BigInt(first.startSeq);
  for (const [from, to] of vouched.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (from <= verifiedThrough + 1n && to > verifiedThrough) verifiedThrough = to;
  }
  const lastVouched = vouched.reduce((highest, [, to]) => (to > highest ? to : highest), verifiedThrough);
  if (lastVouched > verifiedThrough && problems.length === 0) {
    const next = (verifiedThrough + 1n).toString();
    problems.push({ kind: 'unvouched', seq: next, detail: `position ${next} is in no batch a checkpoint vouches for (one was left out)` });
  }
  const firstProblem = problems.sort((a, b) => compareSeq(a.seq, b.seq))[0];
  const proven = !firstProblem && verifiedThrough > BigInt(first.startSeq) ? verifiedThrough : null;
  return report(firstProblem, proven, first.startSeq);
}

/** Walks the received events from the signed start: returns the last position linked without a fault. */
function walkLinks(
  chain: ChainState,
  events: [bigint, Received][],
  startSeq: bigint,
  startHash: string,
  problems: ExportProblem[],
): bigint {
  let expected = startSeq + 1n;
  let previous = startHash;
  for (const [seq, { event, line }] of events) {
    if (seq <= startSeq) continue;
    const at = { seq: event.seq, line };
    if (seq !== expected) {
      problems.push({ kind: 'missing', seq: expected.toString(), line, detail: `position ${expected} was never received` });
      return expected - 1n;
    }
    if (event.prev !== previous) {
      problems.push({ kind: 'link_broken', ...at, detail: `position ${seq} does not link to the event before it` });
      return expected - 1n;
    }
    if (event.content !== null && !hashesTo(chain, previous, seq, event.content, event.hash)) {
      problems.push({ kind: 'altered', ...at, detail: `the content of position ${seq} is not what its hash was made from` });
      return expected - 1n;
    }
    previous = event.hash;
    expected += 1n;
  }
  return expected - 1n;
}

/** Whether content made that hash; content with a field the hash does not cover is not the row's. */
function hashesTo(chain: ChainState, previous: string, seq: bigint, content: Record<string, unknown>, hash: string): boolean {
  const columns = STREAM_CONTENT_COLUMNS[chain.log];
  if (Object.keys(content).some((field) => !columns.includes(field))) return false;
  return (
    linkHash(
      previous,
      chain.tenantId,
      seq,
      columns.map((column) => content[column] ?? null),
    ) === hash
  );
}

function* range(from: bigint, to: bigint): Generator<bigint> {
  for (let position = from; position <= to; position += 1n) yield position;
}

async function verifiedClaim(jws: unknown, keys: ReturnType<typeof createLocalJWKSet>): Promise<CheckpointClaim | undefined> {
  if (typeof jws !== 'string') return undefined;
  try {
    const { payload } = await compactVerify(jws, keys, { algorithms: ['EdDSA'] });
    const claim = JSON.parse(new TextDecoder().decode(payload)) as CheckpointClaim;
    const positions = [claim.seq, claim.startSeq, claim.fromSeq].every(
      (position) => typeof position === 'string' && /^\d+$/.test(position),
    );
    const ordered = positions && BigInt(claim.startSeq) < BigInt(claim.fromSeq) && BigInt(claim.fromSeq) <= BigInt(claim.seq);
    return isChainLog(claim.log) && typeof claim.tenantId === 'string' && typeof claim.links === 'string' && ordered ? claim : undefined;
  } catch {
    return undefined;
  }
}

function itemsOf(text: string): Record<string, unknown>[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(jsonOf(text));
  } catch {
    return undefined;
  }
  if (!isObject(parsed)) return undefined;
  const data = parsed.data;
  if (isObject(data) && Array.isArray(data.items)) return data.items.filter(isObject);
  return [parsed];
}

/** A syslog message (RFC 5424, as a collector keeps it) carries the item as JSON after its byte-order mark. */
function jsonOf(line: string): string {
  const bom = line.indexOf('\uFEFF');
  return /^<\d{1,3}>1 /.test(line) && bom >= 0 ? line.slice(bom + 1) : line;
}

function isEvent(item: Record<string, unknown>): item is StreamEvent & Record<string, unknown> {
  return (
    item.type === 'event' &&
    isChainLog(item.log) &&
    typeof item.tenantId === 'string' &&
    typeof item.seq === 'string' &&
    /^\d+$/.test(item.seq) &&
    typeof item.prev === 'string' &&
    typeof item.hash === 'string' &&
    (item.content === null || isObject(item.content))
  );
}

function isCheckpoint(item: Record<string, unknown>): item is Record<string, unknown> & { jws: unknown } {
  return item.type === 'checkpoint';
}

/** The signed message a sink receives when it is created or tested: no event of any chain. */
function isTestMessage(item: Record<string, unknown>): boolean {
  return item.type === 'callpass.audit.test';
}

function isChainLog(value: unknown): value is ChainLog {
  return (CHAIN_LOGS as readonly unknown[]).includes(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compareSeq(a: string | undefined, b: string | undefined): number {
  const left = BigInt(a ?? -1);
  const right = BigInt(b ?? -1);
  return left < right ? -1 : left > right ? 1 : 0;
}

function unreadable(chains: Map<string, ChainState>, line: number, detail: string): ExportVerification {
  return { intact: false, chains: [...chains.values()].map(reportOf), problem: { kind: 'unreadable_line', line, detail } };
}
