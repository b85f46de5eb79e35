import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { CompactSign } from 'jose';
import { canonicalJson, linkHash } from '../../src/audit-chain/chain-encoding';
import { verifyExport } from '../../src/audit-streaming/export-verifier';
import { STREAM_CONTENT_COLUMNS, StreamCheckpoint, StreamEvent, StreamItem } from '../../src/audit-streaming/stream-events';
import { providerKits } from '../../src/providers/provider-kits';
import { drainAuditStreams } from '../helpers/audit-streams';
import { FakeClock } from '../helpers/fake-clock';
import { createIssuingContext, IssuingContext } from '../helpers/issuing';
import { bearer } from '../helpers/test-app';
import { WebhookReceiver } from '../helpers/webhook-receiver';

const TOKENS = 12;
/** Three batches (5, 5, 2), each ending with its checkpoint. */
const BATCH = 5;

/** `callpass audit verify-export` as users run it (its TypeScript source, as the built bin runs it). */
function verifyExportCli(args: string[], stdin = ''): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['-r', '@swc-node/register', 'src/cli/callpass.ts', '--json', 'audit', 'verify-export', ...args],
      { env: { PATH: process.env.PATH } },
      (error, stdout) => resolve({ code: error ? Number(error.code) : 0, stdout }),
    );
    child.stdin!.end(stdin);
  });
}

describe('verify-export on a stream a webhook received', () => {
  let ctx: IssuingContext;
  let keys: { keys: unknown[] };
  /** The received stream as an object store keeps it: one item per line. */
  let lines: string[];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callpass-export-'));
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    ctx = await createIssuingContext({ clock: new FakeClock(new Date()) });
    await receiver.start();
    const accountId = await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio));
    const endpoint = await ctx.createEndpoint(accountId);
    const sink = await ctx.t.http
      .post('/v1/audit-sinks')
      .set(bearer(ctx.tenant.key))
      .send({ name: 'siem', kind: 'webhook', url: receiver.url, logs: ['token_issuances'], maxBatchEvents: BATCH })
      .expect(201);
    for (let index = 0; index < TOKENS; index += 1) await ctx.issue({ endpointId: endpoint.id }).expect(201);
    await drainAuditStreams(ctx.t);
    lines = receiver
      .store(sink.body.secret as string)
      .lines.flatMap((body) => (JSON.parse(body).data.items as StreamItem[]).map((item) => JSON.stringify(item)));
    keys = (await ctx.t.http.get('/v1/audit-stream/keys').expect(200)).body;
    fs.writeFileSync(path.join(dir, 'keys.json'), JSON.stringify(keys));
  });
  afterAll(async () => {
    await receiver.stop();
    await ctx?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const items = (): StreamItem[] => lines.map((line) => JSON.parse(line) as StreamItem);
  const eventLines = () => items().filter((item): item is StreamEvent => item.type === 'event');
  const verify = (changed: StreamItem[]) =>
    verifyExport(
      changed.map((item) => JSON.stringify(item)),
      keys as never,
    );
  /** The index in the stream of the event at `seq`'s offset from the start (0-based). */
  const indexOfEvent = (offset: number) => items().findIndex((item) => item.type === 'event' && item.seq === eventLines()[offset].seq);

  it('proves the stream as received complete and unaltered through its last checkpoint', async () => {
    const events = eventLines();
    expect(events).toHaveLength(TOKENS);
    expect(items().filter((item) => item.type === 'checkpoint')).toHaveLength(3);
    expect(await verify(items())).toMatchObject({
      intact: true,
      chains: [
        {
          log: 'token_issuances',
          tenantId: ctx.tenant.id,
          events: TOKENS,
          repeats: 0,
          verifiedThrough: events[TOKENS - 1].seq,
          unconfirmed: 0,
        },
      ],
    });
  });

  it('accepts an event received twice (at-least-once delivery) as one', async () => {
    const stream = items();
    stream.splice(indexOfEvent(3) + 1, 0, stream[indexOfEvent(3)]);
    expect(await verify(stream)).toMatchObject({ intact: true, chains: [{ events: TOKENS, repeats: 1 }] });
  });

  it('names a dropped event', async () => {
    const stream = items();
    const dropped = stream.splice(indexOfEvent(6), 1)[0] as StreamEvent;
    expect(await verify(stream)).toMatchObject({ intact: false, chains: [{ problem: { kind: 'missing', seq: dropped.seq } }] });
  });

  it('names a dropped tail that a checkpoint vouches for', async () => {
    const stream = items();
    const last = eventLines()[TOKENS - 1];
    stream.splice(indexOfEvent(TOKENS - 1), 1);
    expect(await verify(stream)).toMatchObject({ intact: false, chains: [{ problem: { kind: 'missing', seq: last.seq } }] });
  });

  it('names an edited event', async () => {
    const stream = items();
    const edited = stream[indexOfEvent(4)] as StreamEvent;
    edited.content = { ...edited.content, identity: 'someone-else' };
    expect(await verify(stream)).toMatchObject({ intact: false, chains: [{ problem: { kind: 'altered', seq: edited.seq } }] });
  });

  it('catches an edit whose hashes were all recomputed, at the first checkpoint after it', async () => {
    const stream = items();
    const at = indexOfEvent(2);
    let previous = (stream[at] as StreamEvent).prev;
    for (const item of stream.slice(at)) {
      if (item.type !== 'event') continue;
      if (item === stream[at]) item.content = { ...item.content, user_id: 'someone-else' };
      item.prev = previous;
      item.hash = linkHash(
        previous,
        item.tenantId,
        BigInt(item.seq),
        STREAM_CONTENT_COLUMNS[item.log].map((column) => item.content![column] ?? null),
      );
      previous = item.hash;
    }
    const firstCheckpoint = stream.find((item): item is StreamCheckpoint => item.type === 'checkpoint')!;
    expect(await verify(stream)).toMatchObject({
      intact: false,
      chains: [{ problem: { kind: 'checkpoint_mismatch', seq: firstCheckpoint.seq } }],
    });
  });

  it('catches an event dropped and the rest moved up, with a forged link-only event where the checkpoint is', async () => {
    const stream = items();
    const events = eventLines().slice(0, BATCH);
    const kept = events.slice(2, BATCH);
    let previous = events[0].hash;
    const forged: StreamEvent[] = [events[0]];
    for (const [offset, event] of kept.entries()) {
      const seq = BigInt(events[0].seq) + BigInt(offset + 1);
      const moved = { ...event, id: event.id.replace(/\d+$/, String(seq)), seq: String(seq), prev: previous };
      moved.hash = linkHash(
        previous,
        moved.tenantId,
        seq,
        STREAM_CONTENT_COLUMNS[moved.log].map((column) => moved.content![column] ?? null),
      );
      forged.push(moved);
      previous = moved.hash;
    }
    // Where the signed checkpoint is: its hash, no content to check it against, linked to the forged chain.
    const last = events[BATCH - 1];
    forged.push({ ...last, prev: previous, content: null, elided: true });
    expect(forged.map((event) => event.seq)).toEqual(events.map((event) => event.seq));
    stream.splice(0, BATCH, ...forged);
    const checkpoint = stream.find((item): item is StreamCheckpoint => item.type === 'checkpoint')!;
    expect(await verify(stream)).toMatchObject({
      intact: false,
      chains: [{ problem: { kind: 'checkpoint_mismatch', seq: checkpoint.seq } }],
    });
  });

  it('names the first position no checkpoint vouches for when one is left out', async () => {
    const stream = items();
    const dropped = stream.findIndex((item) => item.type === 'checkpoint');
    stream.splice(dropped, 1);
    expect(await verify(stream)).toMatchObject({ intact: false, chains: [{ problem: { kind: 'unvouched', seq: eventLines()[0].seq } }] });
  });

  it('refuses content with a field the hash does not cover', async () => {
    const stream = items();
    const padded = stream[indexOfEvent(1)] as StreamEvent;
    padded.content = { ...padded.content, note: 'not in the row' };
    expect(await verify(stream)).toMatchObject({ intact: false, chains: [{ problem: { kind: 'altered', seq: padded.seq } }] });
  });

  it('names two events received out of order', async () => {
    const stream = items();
    const [first, second] = [indexOfEvent(7), indexOfEvent(8)];
    [stream[first], stream[second]] = [stream[second], stream[first]];
    expect(await verify(stream)).toMatchObject({ intact: false, chains: [{ problem: { kind: 'reordered', seq: eventLines()[7].seq } }] });
  });

  it('names an event inserted at a position another event holds', async () => {
    const stream = items();
    const original = stream[indexOfEvent(5)] as StreamEvent;
    const forged: StreamEvent = { ...original, content: { ...original.content, outcome: 'refused' } };
    stream.splice(indexOfEvent(5), 0, forged);
    expect(await verify(stream)).toMatchObject({ intact: false, chains: [{ problem: { kind: 'inserted', seq: original.seq } }] });
  });

  it('refuses a checkpoint signed with any other key, even under the published key id', async () => {
    const stream = items();
    const { privateKey } = generateKeyPairSync('ed25519');
    const forged = stream.findLast((item): item is StreamCheckpoint => item.type === 'checkpoint')!;
    const { type: _type, jws: _jws, ...claim } = forged;
    forged.jws = await new CompactSign(new TextEncoder().encode(canonicalJson(claim)))
      .setProtectedHeader({ alg: 'EdDSA', kid: (keys.keys[0] as { kid: string }).kid })
      .sign(privateKey);
    expect(await verify(stream)).toMatchObject({ intact: false, chains: [{ problem: { kind: 'checkpoint_invalid' } }] });
  });

  it('vouches for nothing without a checkpoint', async () => {
    expect(await verify(items().filter((item) => item.type === 'event'))).toMatchObject({
      intact: false,
      chains: [{ problem: { kind: 'no_checkpoint' }, verifiedThrough: null }],
    });
  });

  it('runs as `callpass audit verify-export`: gzip files or stdin, exit 0 when intact and 1 naming the first problem', async () => {
    const keysFile = path.join(dir, 'keys.json');
    const gzipped = path.join(dir, 'stream.ndjson.gz');
    fs.writeFileSync(gzipped, gzipSync(lines.join('\n') + '\n'));
    const intact = await verifyExportCli(['--keys', keysFile, gzipped]);
    expect(intact.code).toBe(0);
    expect(JSON.parse(intact.stdout)).toMatchObject({ intact: true, chains: [{ events: TOKENS }] });

    const stream = items();
    stream.splice(indexOfEvent(9), 1);
    const broken = await verifyExportCli(['--keys', keysFile], stream.map((item) => JSON.stringify(item)).join('\n'));
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout)).toMatchObject({
      intact: false,
      chains: [{ problem: { kind: 'missing', seq: eventLines()[9].seq } }],
    });
  }, 120_000);
});
