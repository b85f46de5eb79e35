import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { Webhook } from 'standardwebhooks';
import { SinkDeliveriesRepository } from '../../src/audit-streaming/sink-deliveries.repository';
import { SinkDeliveryService } from '../../src/audit-streaming/sink-delivery.service';
import { verifyExport } from '../../src/audit-streaming/export-verifier';
import { providerKits } from '../../src/providers/provider-kits';
import { createTenant, TestTenant } from '../factories/tenant.factory';
import { namedBlocks } from '../helpers/docs';
import { drainAuditStreams } from '../helpers/audit-streams';
import { FakeClock } from '../helpers/fake-clock';
import { createIssuingContext, IssuingContext } from '../helpers/issuing';
import { bearer, createTestApp, TestApp, testEncryptionKey } from '../helpers/test-app';
import { StoredItem, WebhookReceiver } from '../helpers/webhook-receiver';

/** The event positions stored for one log, in the order the receiver first got them. */
function positions(items: StoredItem[], log: string): number[] {
  return items.filter((item) => item.log === log).map((item) => Number(item.seq));
}

function consecutive(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, index) => from + index);
}

describe('audit streaming to a webhook', () => {
  let ctx: IssuingContext;
  let endpointId: string;
  let keys: { keys: unknown[] };
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    // Receivers check webhook-timestamp against their own clock (5 minutes' tolerance): the fake clock starts now.
    ctx = await createIssuingContext({ clock: new FakeClock(new Date()) });
    const accountId = await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio));
    endpointId = (await ctx.createEndpoint(accountId)).id;
    keys = (await ctx.t.http.get('/v1/audit-stream/keys').expect(200)).body;
  });
  beforeEach(() => ctx.clock.set(new Date()));
  afterEach(async () => {
    // Each test watches its own sinks only: the tenant's others would take delivery rounds too.
    const sinks = await ctx.t.http.get('/v1/audit-sinks').set(bearer(ctx.tenant.key)).expect(200);
    for (const sink of sinks.body.data as { id: string }[]) {
      await ctx.t.http.delete(`/v1/audit-sinks/${sink.id}`).set(bearer(ctx.tenant.key)).expect(204);
    }
  });
  afterAll(async () => {
    for (const receiver of receivers) await receiver.stop();
    await ctx?.close();
  });

  async function receiver(): Promise<WebhookReceiver> {
    const started = new WebhookReceiver();
    await started.start();
    receivers.push(started);
    return started;
  }

  async function mint(count: number, tenantKey = ctx.tenant.key, endpoint = endpointId): Promise<void> {
    for (let index = 0; index < count; index += 1) {
      await ctx.t.http.post('/v1/tokens').set(bearer(tenantKey)).send({ endpointId: endpoint }).expect(201);
    }
  }

  async function createSink(url: string, body: Record<string, unknown> = {}, tenant: TestTenant = ctx.tenant) {
    const answer = await ctx.t.http
      .post('/v1/audit-sinks')
      .set(bearer(tenant.key))
      .send({
        name: `sink-${receivers.length}-${Math.random().toString(36).slice(2, 8)}`,
        kind: 'webhook',
        url,
        logs: ['token_issuances'],
        ...body,
      });
    expect(answer.status).toBe(201);
    return answer.body as { id: string; secret: string; test: { delivered: boolean; status: number | null; error: string | null } };
  }

  const sinkStatus = async (id: string, tenant: TestTenant = ctx.tenant) =>
    (await ctx.t.http.get(`/v1/audit-sinks/${id}`).set(bearer(tenant.key)).expect(200)).body;

  it('creates a sink with a secret shown once and a signed test message its receiver verifies', async () => {
    const inbox = await receiver();
    const sink = await createSink(inbox.url);
    expect(sink.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(sink.test).toEqual({ delivered: true, status: 200, error: null });
    const [test] = inbox.accepted(sink.secret);
    expect(test).toMatchObject({ type: 'callpass.audit.test', data: { sinkId: sink.id, tenantId: ctx.tenant.id } });
    expect(() =>
      new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(inbox.requests[0].body, inbox.requests[0].headers),
    ).toThrow();

    const read = await sinkStatus(sink.id);
    expect(JSON.stringify(read)).not.toContain(sink.secret.slice(6));
    const listed = await ctx.t.http.get('/v1/audit-sinks').set(bearer(ctx.tenant.key)).expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(sink.secret.slice(6));
    expect(read.delivery).toEqual([expect.objectContaining({ log: 'token_issuances', backlog: '0', attempts: 0 })]);
  });

  it('delivers every token in chain order, each event once, with checkpoints verify-export accepts', async () => {
    const inbox = await receiver();
    const sink = await createSink(inbox.url, { maxBatchEvents: 4 });
    const start = Number((await sinkStatus(sink.id)).delivery[0].startSeq);
    await mint(10);
    expect(await drainAuditStreams(ctx.t)).toBe(3);

    const { items, repeats, lines } = inbox.store(sink.secret);
    expect(repeats).toBe(0);
    expect(positions(items, 'token_issuances')).toEqual(consecutive(start + 1, 10));
    expect(items.every((item) => item.content && item.content.outcome === 'issued' && item.content.tenant_id === ctx.tenant.id)).toBe(true);
    const verification = await verifyExport(lines, keys as never);
    expect(verification).toMatchObject({
      intact: true,
      chains: [{ log: 'token_issuances', events: 10, verifiedThrough: String(start + 10), unconfirmed: 0 }],
    });
    expect((await sinkStatus(sink.id)).delivery[0]).toMatchObject({ deliveredSeq: String(start + 10), backlog: '0', lastError: null });
  });

  it('sends rows its filters leave out as links alone, so the stream still proves complete', async () => {
    const inbox = await receiver();
    const sink = await createSink(inbox.url, { tokenOutcomes: ['refused'] });
    await mint(2);
    await ctx.t.http
      .post('/v1/tokens')
      .set(bearer(ctx.tenant.key))
      .send({ endpointId: '00000000-0000-7000-8000-000000000000' })
      .expect(404);
    await drainAuditStreams(ctx.t);
    const { items, lines } = inbox.store(sink.secret);
    expect(items.map((item) => [item.elided ?? false, item.content?.outcome ?? null])).toEqual([
      [true, null],
      [true, null],
      [false, 'refused'],
    ]);
    expect(await verifyExport(lines, keys as never)).toMatchObject({ intact: true, chains: [{ events: 3, elided: 2 }] });
  });

  it('loses nothing while the receiver is down for a minute, backing off, then catches up in order', async () => {
    const inbox = await receiver();
    const sink = await createSink(inbox.url, { maxBatchEvents: 5 });
    const start = Number((await sinkStatus(sink.id)).delivery[0].startSeq);
    await inbox.stop();
    await mint(6);
    const waits: number[] = [];
    for (let elapsed = 0; elapsed < 60_000;) {
      expect(await drainAuditStreams(ctx.t)).toBe(0);
      // Not tried again before its time.
      expect(await drainAuditStreams(ctx.t)).toBe(0);
      const status = (await sinkStatus(sink.id)).delivery[0];
      expect(status.attempts).toBe(waits.length + 1);
      const wait = new Date(status.nextAttemptAt).getTime() - ctx.clock.now().getTime();
      waits.push(wait);
      ctx.clock.advance(wait);
      elapsed += wait;
    }
    const down = (await sinkStatus(sink.id)).delivery[0];
    expect(down).toMatchObject({ deliveredSeq: String(start), lastError: 'connect', backlog: '6' });
    // The six tokens were written before the first wait: the oldest has waited all of them.
    expect(down.lagSeconds).toBe(waits.reduce((sum, wait) => sum + wait, 0) / 1000);
    expect(down.attempts).toBe(waits.length);
    // Capped exponential backoff with jitter: each wait in [half, whole] of 1 s, 2 s, 4 s, …
    waits.forEach((wait, index) => {
      expect(wait).toBeGreaterThanOrEqual(500 * 2 ** index);
      expect(wait).toBeLessThanOrEqual(1000 * 2 ** index);
    });

    await inbox.start();
    await mint(3);
    const { nextAttemptAt } = (await sinkStatus(sink.id)).delivery[0];
    ctx.clock.set(nextAttemptAt);
    await drainAuditStreams(ctx.t);
    const { items, repeats, lines } = inbox.store(sink.secret);
    expect(repeats).toBe(0);
    expect(positions(items, 'token_issuances')).toEqual(consecutive(start + 1, 9));
    expect(await verifyExport(lines, keys as never)).toMatchObject({ intact: true });
    expect((await sinkStatus(sink.id)).delivery[0]).toMatchObject({ attempts: 0, backlog: '0', lagSeconds: 0 });
  });

  it('shows the backlog, its age and the failures in /metrics', async () => {
    const metricsKey = await ctx.t.http
      .post('/v1/admin/service-keys')
      .set(bearer(ctx.t.adminKey))
      .send({ name: 'prometheus', scopes: ['metrics:read'] })
      .expect(201);
    const scrape = async () =>
      (
        await ctx.t.http
          .get('/metrics')
          .set(bearer(metricsKey.body.key as string))
          .expect(200)
      ).text;
    const metric = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    const failedConnects = (text: string) =>
      Number(/^callpass_audit_stream_batches_total\{outcome="failed",cause="connect"\} (\d+)/m.exec(text)?.[1] ?? 0);
    const inbox = await receiver();
    await createSink(inbox.url);
    const before = await scrape();
    expect(metric(before, 'callpass_audit_stream_backlog_events')).toBe(0);
    await inbox.stop();
    await mint(2);
    ctx.clock.advance(30_000);
    await drainAuditStreams(ctx.t);
    const text = await scrape();
    expect(metric(text, 'callpass_audit_stream_backlog_events')).toBe(2);
    expect(metric(text, 'callpass_audit_stream_lag_seconds')).toBe(30);
    expect(failedConnects(text) - failedConnects(before)).toBe(1);
  });

  it('sends a batch again when its answer is lost or is not a 2xx (a redirect is no delivery); the receiver keeps each id once', async () => {
    const inbox = await receiver();
    const sink = await createSink(inbox.url);
    await mint(3);
    inbox.answerOnce(307);
    await drainAuditStreams(ctx.t);
    ctx.clock.advance(1000);
    await drainAuditStreams(ctx.t);
    const sent = inbox.requests.filter((request) => JSON.parse(request.body).type === 'callpass.audit.batch');
    expect(sent.map((request) => request.status)).toEqual([307, 200]);
    expect(sent[0].headers['webhook-id']).toBe(sent[1].headers['webhook-id']);
    const { items, repeats } = inbox.store(sink.secret);
    expect([items.length, repeats]).toEqual([3, 0]);
  });

  it('keeps delivering to other sinks while one receiver hangs', async () => {
    const hanging = await receiver();
    const healthy = await receiver();
    await createSink(hanging.url);
    const sink = await createSink(healthy.url);
    hanging.hold = true;
    await mint(1);
    const stuck = ctx.t.app.get(SinkDeliveryService).deliverDue();
    for (let attempt = 0; (await sinkStatus(sink.id)).delivery[0].backlog !== '0'; attempt += 1) {
      if (attempt > 200) throw new Error('the healthy sink did not get its first batch');
    }
    await mint(1);
    expect(await ctx.t.app.get(SinkDeliveryService).deliverDue()).toBe(1);
    expect(healthy.store(sink.secret).items).toHaveLength(2);
    ctx.clock.advance(10_000);
    expect(await stuck).toBe(1);
    hanging.release();
  });

  it('stops while paused and resumes from where it stopped', async () => {
    const inbox = await receiver();
    const sink = await createSink(inbox.url);
    const start = Number((await sinkStatus(sink.id)).delivery[0].startSeq);
    await mint(2);
    await drainAuditStreams(ctx.t);
    const paused = await ctx.t.http.patch(`/v1/audit-sinks/${sink.id}`).set(bearer(ctx.tenant.key)).send({ paused: true }).expect(200);
    expect(paused.body).toMatchObject({ paused: true, pausedReason: 'by_request' });
    await mint(2);
    expect(await drainAuditStreams(ctx.t)).toBe(0);
    expect(inbox.store(sink.secret).items).toHaveLength(2);
    const resumed = await ctx.t.http.patch(`/v1/audit-sinks/${sink.id}`).set(bearer(ctx.tenant.key)).send({ paused: false }).expect(200);
    expect(resumed.body).toMatchObject({ paused: false, pausedReason: null });
    await mint(1);
    await drainAuditStreams(ctx.t);
    const { items, repeats } = inbox.store(sink.secret);
    expect(positions(items, 'token_issuances')).toEqual(consecutive(start + 1, 5));
    expect(repeats).toBe(0);
  });

  it('pauses a sink whose receiver keeps refusing, and audits it', async () => {
    const inbox = await receiver();
    const sink = await createSink(inbox.url);
    inbox.answer = 410;
    await mint(1);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await drainAuditStreams(ctx.t);
      ctx.clock.advance(60_000);
    }
    expect(await sinkStatus(sink.id)).toMatchObject({
      paused: true,
      pausedReason: 'receiver_refused',
      delivery: [{ lastError: 'receiver_status 410', attempts: 5 }],
    });
    expect(await drainAuditStreams(ctx.t)).toBe(0);
    expect(inbox.requests.filter((request) => JSON.parse(request.body).type === 'callpass.audit.batch')).toHaveLength(5);
    const audit = await ctx.t.http
      .get('/v1/audit-events')
      .query({ action: 'audit_sink.paused', targetId: sink.id })
      .set(bearer(ctx.tenant.key))
      .expect(200);
    expect(audit.body.data).toEqual([expect.objectContaining({ details: expect.objectContaining({ reason: 'receiver_refused' }) })]);
  });

  it('keeps retrying a receiver that answers 429 or 503, and pauses only after 24 hours of failures', async () => {
    const inbox = await receiver();
    const sink = await createSink(inbox.url);
    await mint(1);
    for (const status of [429, 429, 408, 429, 429, 429, 503, 503]) {
      inbox.answer = status;
      await drainAuditStreams(ctx.t);
      ctx.clock.advance(5 * 60_000);
    }
    expect(await sinkStatus(sink.id)).toMatchObject({ paused: false, delivery: [{ lastError: 'receiver_status 503', attempts: 8 }] });
    ctx.clock.advance(24 * 3600_000);
    await drainAuditStreams(ctx.t);
    expect(await sinkStatus(sink.id)).toMatchObject({ paused: true, pausedReason: 'retries_exhausted' });
  });

  it('takes over the cursor of a replica that died mid-batch once its lease lapses', async () => {
    const inbox = await receiver();
    const sink = await createSink(inbox.url);
    await mint(2);
    const now = ctx.clock.now();
    // A replica claimed the cursor, then died before sending or settling it.
    const claimed = await ctx.t.app.get(SinkDeliveriesRepository).claimDue(now, 'dead-replica', new Date(now.getTime() + 60_000), 100);
    const stale = claimed.find((cursor) => cursor.sink_id === sink.id)!;
    expect(stale).toBeDefined();
    expect(await drainAuditStreams(ctx.t)).toBe(0);
    ctx.clock.advance(60_000);
    await drainAuditStreams(ctx.t);
    expect(inbox.store(sink.secret).items).toHaveLength(2);
    // The replica comes back and settles what it held: neither its success nor its failure moves the cursor any more.
    const deliveries = ctx.t.app.get(SinkDeliveriesRepository);
    const before = (await sinkStatus(sink.id)).delivery[0];
    expect(await deliveries.delivered(stale, 'dead-replica', { seq: stale.delivered_seq, hash: stale.start_hash }, ctx.clock.now())).toBe(
      false,
    );
    await deliveries.failed(
      stale,
      'dead-replica',
      { attempts: 9, failingSince: ctx.clock.now(), nextAttemptAt: ctx.clock.now(), error: 'stale' },
      ctx.clock.now(),
    );
    expect((await sinkStatus(sink.id)).delivery[0]).toEqual(before);
  });

  it('signs with the previous secret too during a rotation overlap, and only the new one after', async () => {
    const inbox = await receiver();
    const sink = await createSink(inbox.url);
    const rotated = await ctx.t.http
      .post(`/v1/audit-sinks/${sink.id}/secret-rotations`)
      .set(bearer(ctx.tenant.key))
      .send({ overlapSeconds: 120 })
      .expect(201);
    expect(rotated.body.secret).not.toBe(sink.secret);
    inbox.forget();
    await mint(1);
    await drainAuditStreams(ctx.t);
    expect(inbox.store(sink.secret).items).toHaveLength(1);
    expect(inbox.store(rotated.body.secret).items).toHaveLength(1);
    ctx.clock.advance(121_000);
    await mint(1);
    await drainAuditStreams(ctx.t);
    const last = inbox.requests[inbox.requests.length - 1];
    expect(() => new Webhook(rotated.body.secret).verify(last.body, last.headers)).not.toThrow();
    expect(() => new Webhook(sink.secret).verify(last.body, last.headers)).toThrow();
  });

  it("gives each tenant's sink its own events only, and hides each tenant's sinks from the other", async () => {
    const other = await createTenant(ctx.t);
    const { provider, baseUrl, config, secrets } = providerKits.twilio.emulatedAccount(ctx.emulators.twilio);
    const account = await ctx.t.http
      .post('/v1/provider-accounts')
      .set(bearer(other.key))
      .send({ provider, baseUrl, config, secrets, name: 'other' })
      .expect(201);
    const endpoint = await ctx.t.http
      .post('/v1/endpoints')
      .set(bearer(other.key))
      .send({ providerAccountId: account.body.id, userId: 'other_user', capabilities: ['incoming', 'outgoing'] })
      .expect(201);
    await mint(2, other.key, endpoint.body.id);
    await mint(2);
    // Both from the start of their chains, in batches of one size: the same place in two tenants' chains.
    const theirs = await receiver();
    const ours = await receiver();
    const theirSink = await createSink(theirs.url, { startAt: 'oldest' }, other);
    const ourSink = await createSink(ours.url, { startAt: 'oldest' });
    await drainAuditStreams(ctx.t);
    const received = theirs.store(theirSink.secret).items;
    expect(received.map((item) => [item.tenantId, item.content?.tenant_id, item.seq])).toEqual([
      [other.id, other.id, '1'],
      [other.id, other.id, '2'],
    ]);
    expect(
      ours.store(ourSink.secret).items.every((item) => item.tenantId === ctx.tenant.id && item.content?.tenant_id === ctx.tenant.id),
    ).toBe(true);
    await ctx.t.http.get(`/v1/audit-sinks/${theirSink.id}`).set(bearer(ctx.tenant.key)).expect(404);
    await ctx.t.http.patch(`/v1/audit-sinks/${theirSink.id}`).set(bearer(ctx.tenant.key)).send({ paused: true }).expect(404);
    await ctx.t.http.delete(`/v1/audit-sinks/${theirSink.id}`).set(bearer(ctx.tenant.key)).expect(404);
    await ctx.t.http.get(`/v1/admin/tenants/${other.id}/audit-sinks/${theirSink.id}`).set(bearer(ctx.t.adminKey)).expect(200);
    await ctx.t.http.delete(`/v1/audit-sinks/${theirSink.id}`).set(bearer(other.key)).expect(204);
  });

  it('streams the audit log too, every change in it, provably complete', async () => {
    const inbox = await receiver();
    const sink = await createSink(inbox.url, { logs: ['audit_events'] });
    const renamed = await ctx.t.http.patch(`/v1/audit-sinks/${sink.id}`).set(bearer(ctx.tenant.key)).send({ name: 'renamed' }).expect(200);
    expect(renamed.body.name).toBe('renamed');
    await ctx.t.http
      .post(`/v1/audit-sinks/${sink.id}/secret-rotations`)
      .set(bearer(ctx.tenant.key))
      .send({ overlapSeconds: 60 })
      .expect(201);
    await drainAuditStreams(ctx.t);
    const { items, lines } = inbox.store(sink.secret);
    expect(items.map((item) => item.content?.action)).toEqual(['audit_sink.created', 'audit_sink.updated', 'audit_sink.secret_rotated']);
    expect(items[1].content).toMatchObject({ target_id: sink.id, outcome: 'success', details: { changed: ['name'] } });
    expect(await verifyExport(lines, keys as never)).toMatchObject({ intact: true, chains: [{ log: 'audit_events', events: 3 }] });
  });

  it('keeps the URL a change would move the sink to when the test message does not get there', async () => {
    const inbox = await receiver();
    const sink = await createSink(inbox.url);
    const moved = await ctx.t.http
      .patch(`/v1/audit-sinks/${sink.id}`)
      .set(bearer(ctx.tenant.key))
      .send({ url: 'http://127.0.0.1:9/gone' })
      .expect(200);
    expect(moved.body).toMatchObject({ url: inbox.url, test: { delivered: false, error: 'connect' } });
    const refused = await ctx.t.http
      .patch(`/v1/audit-sinks/${sink.id}`)
      .set(bearer(ctx.tenant.key))
      .send({ region: 'eu-west-1' })
      .expect(400);
    expect(refused.body.error).toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'region' }] } });
    const retested = await ctx.t.http.post(`/v1/audit-sinks/${sink.id}/tests`).set(bearer(ctx.tenant.key)).expect(200);
    expect(retested.body).toEqual({ delivered: true, status: 200, error: null });
  });

  it('works with the receiver docs/audit-streaming.md shows, run as written, and the stream it keeps proves complete', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callpass-receiver-'));
    const file = path.join(dir, 'audit.ndjson');
    const created = await createSink('http://127.0.0.1:9/not-yet');
    const [snippet] = namedBlocks('docs/audit-streaming.md', 'receiver', 'js');
    const env = { CALLPASS_SINK_SECRET: created.secret, AUDIT_FILE: file, PORT: '0' };
    const run = vm.runInThisContext(`((require, process) => {\n${snippet}\nreturn receiver;\n})`) as (
      load: NodeJS.Require,
      process: { env: Record<string, string> },
    ) => http.Server;
    const documented = run(require, { env });
    try {
      await once(documented, 'listening');
      const url = `http://127.0.0.1:${(documented.address() as AddressInfo).port}/callpass`;
      const moved = await ctx.t.http.patch(`/v1/audit-sinks/${created.id}`).set(bearer(ctx.tenant.key)).send({ url }).expect(200);
      expect(moved.body).toMatchObject({ url, test: { delivered: true, status: 204 } });
      await mint(3);
      await drainAuditStreams(ctx.t);
      // As if the receiver's answer had been lost: Callpass sends the same events again.
      await ctx.t.database.query(
        'UPDATE audit_sink_cursors SET delivered_seq = start_seq, delivered_hash = start_hash WHERE sink_id = $1',
        [created.id],
      );
      expect(await drainAuditStreams(ctx.t)).toBe(1);
      const kept = fs.readFileSync(file, 'utf8').trim().split('\n');
      const events = kept.map((line) => JSON.parse(line) as StoredItem).filter((item) => item.type === 'event');
      expect(events).toHaveLength(3);
      expect(await verifyExport(kept, keys as never)).toMatchObject({ intact: true, chains: [{ events: 3, repeats: 0 }] });
    } finally {
      documented.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a second sink of one name and an eleventh sink (409)', async () => {
    const taken = await ctx.t.http
      .post('/v1/audit-sinks')
      .set(bearer(ctx.tenant.key))
      .send({ name: 'one-name', kind: 'webhook', url: 'http://127.0.0.1:9/a' })
      .expect(201);
    const again = await ctx.t.http
      .post('/v1/audit-sinks')
      .set(bearer(ctx.tenant.key))
      .send({ name: 'one-name', kind: 'webhook', url: 'http://127.0.0.1:9/b' })
      .expect(409);
    expect(again.body.error.code).toBe('audit_sink_name_taken');
    expect(taken.body.test).toMatchObject({ delivered: false });
    for (let index = 2; index <= 10; index += 1) {
      await ctx.t.http
        .post('/v1/audit-sinks')
        .set(bearer(ctx.tenant.key))
        .send({ name: `sink-${index}`, kind: 'webhook', url: 'http://127.0.0.1:9/c' })
        .expect(201);
    }
    const eleventh = await ctx.t.http
      .post('/v1/audit-sinks')
      .set(bearer(ctx.tenant.key))
      .send({ name: 'eleventh', kind: 'webhook', url: 'http://127.0.0.1:9/d' })
      .expect(409);
    expect(eleventh.body.error).toMatchObject({ code: 'audit_sink_limit_reached', details: { limit: 10 } });
  });

  it('says a sink whose stored secrets cannot be decrypted is unreadable, and sends it nothing', async () => {
    const inbox = await receiver();
    const sink = await createSink(inbox.url);
    const other = await createSink('http://127.0.0.1:9/other');
    // Another sink's secrets, as if copied across rows: bound to their own row, they do not decrypt here.
    await ctx.t.database.query(
      'UPDATE audit_sinks SET secret_ciphertext = (SELECT secret_ciphertext FROM audit_sinks WHERE id = $2) WHERE id = $1',
      [sink.id, other.id],
    );
    inbox.forget();
    await mint(1);
    expect(await drainAuditStreams(ctx.t)).toBe(0);
    expect((await sinkStatus(sink.id)).delivery[0]).toMatchObject({ lastError: 'sink_unreadable', attempts: 1 });
    expect(inbox.requests).toHaveLength(0);
    const rotated = await ctx.t.http.post(`/v1/audit-sinks/${sink.id}/secret-rotations`).set(bearer(ctx.tenant.key)).send({}).expect(500);
    expect(rotated.body.error.code).toBe('audit_sink_unreadable');
  });

  it.each([
    ['an invalid URL', { url: 'not a url' }, 'url'],
    ['a URL with credentials', { url: 'https://user:pw@siem.example.com/' }, 'url'],
    ['an unknown log', { logs: ['token_issuances', 'everything'] }, 'logs'],
    ['an unknown kind', { kind: 'carrier_pigeon' }, 'kind'],
    ['an unknown outcome', { tokenOutcomes: ['maybe'] }, 'tokenOutcomes'],
    ['an oversized batch', { maxBatchEvents: 100_000 }, 'maxBatchEvents'],
  ])('refuses %s with a 400 naming the field', async (_case, body, field) => {
    const answer = await ctx.t.http
      .post('/v1/audit-sinks')
      .set(bearer(ctx.tenant.key))
      .send({ name: 'bad', kind: 'webhook', url: 'https://siem.example.com/', ...body });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'validation_failed', details: { fields: [expect.objectContaining({ field })] } });
  });
});

describe('audit streaming across replicas', () => {
  const shared = { ENCRYPTION_KEYS: testEncryptionKey('shared') };
  let first: IssuingContext;
  let second: TestApp;
  const inbox = new WebhookReceiver();

  beforeAll(async () => {
    first = await createIssuingContext({ clock: new FakeClock(new Date()), env: shared });
    second = await createTestApp({
      database: first.t.database,
      clock: first.clock,
      env: { ...shared, BOOTSTRAP_ADMIN_KEY: first.t.adminKey },
    });
    await inbox.start();
  });
  afterAll(async () => {
    await inbox.stop();
    await second?.close();
    await first?.close();
  });

  it('share the sinks: rounds run at once on two replicas deliver every event once, in order', async () => {
    const accountId = await first.createAccount(providerKits.twilio.emulatedAccount(first.emulators.twilio));
    const endpoint = await first.createEndpoint(accountId);
    const sinks = [];
    for (const name of ['one', 'two', 'three']) {
      const created = await first.t.http
        .post('/v1/audit-sinks')
        .set(bearer(first.tenant.key))
        .send({ name, kind: 'webhook', url: inbox.url, maxBatchEvents: 3 })
        .expect(201);
      sinks.push(created.body as { id: string; secret: string });
    }
    for (let index = 0; index < 12; index += 1) await first.issue({ endpointId: endpoint.id }).expect(201);
    const rounds = async (t: TestApp) => {
      let batches = 0;
      for (let round = 0; round < 50; round += 1) batches += await t.app.get(SinkDeliveryService).deliverDue();
      return batches;
    };
    const [byFirst, bySecond] = await Promise.all([rounds(first.t), rounds(second)]);
    expect(byFirst + bySecond).toBeGreaterThan(0);

    const batches = inbox.requests.filter((request) => JSON.parse(request.body).type === 'callpass.audit.batch');
    expect(new Set(batches.map((request) => request.headers['webhook-id'])).size).toBe(batches.length);
    for (const sink of sinks) {
      const mine = batches.filter((request) => JSON.parse(request.body).data.sinkId === sink.id);
      const events = mine.flatMap((request) =>
        (JSON.parse(request.body).data.items as StoredItem[]).filter((item) => item.type === 'event'),
      );
      expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
      const tokens = positions(events, 'token_issuances');
      expect(tokens).toHaveLength(12);
      expect(tokens).toEqual([...tokens].sort((a, b) => a - b));
      const status = await first.t.http.get(`/v1/audit-sinks/${sink.id}`).set(bearer(first.tenant.key)).expect(200);
      expect(status.body.delivery.map((cursor: { backlog: string }) => cursor.backlog)).toEqual(['0', '0']);
    }
  });
});
