import http from 'node:http';
import { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { verifyExport } from '../../src/audit-streaming/export-verifier';
import { StreamEvent } from '../../src/audit-streaming/stream-events';
import { OUTBOUND_EXTRA_CA_CERTIFICATES } from '../../src/outbound/outbound-policy';
import { providerKits } from '../../src/providers/provider-kits';
import { drainAuditStreams } from '../helpers/audit-streams';
import { FakeClock } from '../helpers/fake-clock';
import { createIssuingContext, IssuingContext } from '../helpers/issuing';
import { describeWith } from '../helpers/requirements';
import { startRsyslogCollector, SyslogCollector } from '../helpers/rsyslog-collector';
import { S3TestServer, startS3Server } from '../helpers/s3-server';
import { bearer } from '../helpers/test-app';

/** An app on a clock that starts now, with a tenant that can mint Twilio tokens; `caPem` trusted for outbound TLS. */
async function mintingContext(caPem?: string): Promise<{ ctx: IssuingContext; mint: (count: number) => Promise<void> }> {
  const ctx = await createIssuingContext({
    clock: new FakeClock(new Date()),
    overrides: caPem ? [{ provide: OUTBOUND_EXTRA_CA_CERTIFICATES, useValue: [caPem] }] : [],
  });
  const accountId = await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio));
  const endpoint = await ctx.createEndpoint(accountId);
  const mint = async (count: number) => {
    for (let index = 0; index < count; index += 1) await ctx.issue({ endpointId: endpoint.id }).expect(201);
  };
  return { ctx, mint };
}

describeWith(['rsyslog'], 'audit streaming to a syslog collector over TLS (RFC 5425)', () => {
  let collector: SyslogCollector;
  let ctx: IssuingContext;
  let mint: (count: number) => Promise<void>;
  let keys: never;

  beforeAll(async () => {
    collector = await startRsyslogCollector();
    ({ ctx, mint } = await mintingContext(collector.caPem));
    keys = (await ctx.t.http.get('/v1/audit-stream/keys').expect(200)).body as never;
  });
  afterAll(async () => {
    await ctx?.close();
    await collector?.stop();
  });

  it('sends each event as one RFC 5424 message with its chain position as structured data, through an outage, provably complete', async () => {
    const created = await ctx.t.http
      .post('/v1/audit-sinks')
      .set(bearer(ctx.tenant.key))
      .send({
        name: 'collector',
        kind: 'syslog',
        url: `syslog-tls://localhost:${collector.port}`,
        logs: ['token_issuances'],
        maxBatchEvents: 4,
      })
      .expect(201);
    expect(created.body).toMatchObject({ kind: 'syslog', test: { delivered: true, status: null, error: null } });
    expect(created.body.secret).toBeUndefined();
    expect(await collector.waitForMessages(1)).toEqual([
      expect.stringMatching(/^<134>1 \S+ \S+ callpass - test - \uFEFF\{"type":"callpass.audit.test"/),
    ]);

    await mint(6);
    // A refusal: its message is a notice, not info.
    await ctx.issue({ endpointId: '00000000-0000-7000-8000-000000000000' }).expect(404);
    await drainAuditStreams(ctx.t);
    await collector.stop();
    await mint(3);
    await drainAuditStreams(ctx.t);
    const down = await ctx.t.http.get(`/v1/audit-sinks/${created.body.id}`).set(bearer(ctx.tenant.key)).expect(200);
    expect(down.body.delivery[0]).toMatchObject({ lastError: 'connect', backlog: '3' });
    await collector.restart();
    ctx.clock.set(down.body.delivery[0].nextAttemptAt);
    await drainAuditStreams(ctx.t);

    const messages = (await collector.waitForMessages(1 + 10 + 3)).slice(1);
    const events = messages.filter((message) => / token \[/.test(message));
    expect(events).toHaveLength(10);
    const start = Number(created.body.delivery[0].startSeq);
    events.forEach((message, index) => {
      const item = JSON.parse(message.slice(message.indexOf('\uFEFF') + 1)) as StreamEvent;
      const priority = index === 6 ? 133 : 134;
      expect(message).toBe(
        `<${priority}>1 ${item.content!.issued_at as string} ${message.split(' ')[2]} callpass - token ` +
          `[callpass@32473 log="token_issuances" tenant="${ctx.tenant.id}" seq="${start + index + 1}" hash="${item.hash}"] \uFEFF${JSON.stringify(item)}`,
      );
    });
    expect(await verifyExport(messages, keys)).toMatchObject({
      intact: true,
      chains: [{ events: 10, verifiedThrough: String(start + 10) }],
    });
    const dropped = messages.filter((message) => message !== events[4]);
    expect(await verifyExport(dropped, keys)).toMatchObject({
      intact: false,
      chains: [{ problem: { kind: 'missing', seq: String(start + 5) } }],
    });
  });

  it('refuses a collector whose certificate it does not trust', async () => {
    const untrusted = await startRsyslogCollector();
    try {
      const created = await ctx.t.http
        .post('/v1/audit-sinks')
        .set(bearer(ctx.tenant.key))
        .send({ name: 'untrusted', kind: 'syslog', url: `syslog-tls://localhost:${untrusted.port}` })
        .expect(201);
      expect(created.body.test).toEqual({ delivered: false, status: null, error: 'tls' });
      expect(await untrusted.messages()).toEqual([]);
    } finally {
      await untrusted.stop();
    }
  });
});

describe('audit streaming to an S3-compatible object store', () => {
  let store: S3TestServer;
  let ctx: IssuingContext;
  let mint: (count: number) => Promise<void>;
  let keys: never;

  beforeAll(async () => {
    store = await startS3Server();
    ({ ctx, mint } = await mintingContext());
    keys = (await ctx.t.http.get('/v1/audit-stream/keys').expect(200)).body as never;
  });
  afterAll(async () => {
    await ctx?.close();
    await store?.stop();
  });

  const credentials = () => ({ accessKeyId: store.accessKeyId, secretAccessKey: store.secretAccessKey });

  it('puts gzipped NDJSON batches keyed by tenant, log and chain range, through an outage, provably complete', async () => {
    const created = await ctx.t.http
      .post('/v1/audit-sinks')
      .set(bearer(ctx.tenant.key))
      .send({
        name: 'bucket',
        kind: 'object_storage',
        url: `${store.endpoint}/${store.bucket}/exports`,
        credentials: credentials(),
        logs: ['token_issuances'],
        maxBatchEvents: 4,
      })
      .expect(201);
    expect(created.body).toMatchObject({ kind: 'object_storage', config: {}, test: { delivered: true } });
    expect(JSON.stringify(created.body)).not.toContain(store.secretAccessKey);
    expect(await store.objects(`exports/${ctx.tenant.id}/callpass-test.json`)).toHaveLength(1);

    await mint(5);
    await drainAuditStreams(ctx.t);
    await store.down();
    await mint(2);
    await drainAuditStreams(ctx.t);
    const down = await ctx.t.http.get(`/v1/audit-sinks/${created.body.id}`).set(bearer(ctx.tenant.key)).expect(200);
    expect(down.body.delivery[0]).toMatchObject({ lastError: 'connect', backlog: '2' });
    await store.up();
    ctx.clock.set(down.body.delivery[0].nextAttemptAt);
    await drainAuditStreams(ctx.t);

    const start = Number(created.body.delivery[0].startSeq);
    const range = (first: number, last: number) => `${String(first).padStart(20, '0')}-${String(last).padStart(20, '0')}`;
    const objects = await store.objects(`exports/${ctx.tenant.id}/token_issuances/`);
    expect(objects.map((object) => object.key)).toEqual([
      `exports/${ctx.tenant.id}/token_issuances/${range(start + 1, start + 4)}.ndjson.gz`,
      `exports/${ctx.tenant.id}/token_issuances/${range(start + 5, start + 5)}.ndjson.gz`,
      `exports/${ctx.tenant.id}/token_issuances/${range(start + 6, start + 7)}.ndjson.gz`,
    ]);
    expect(objects.every((object) => object.contentEncoding === 'gzip' && object.contentType === 'application/x-ndjson')).toBe(true);
    const lines = objects.flatMap((object) => gunzipSync(object.body).toString('utf8').trim().split('\n'));
    expect(await verifyExport(lines, keys)).toMatchObject({ intact: true, chains: [{ events: 7, verifiedThrough: String(start + 7) }] });
  });

  it("stops reading an object store's answer past 64 KB: a tenant's server cannot fill Callpass's memory", async () => {
    let sent = 0;
    const flooding = http.createServer((request, response) => {
      request.resume();
      response.writeHead(500, { 'content-type': 'application/xml', 'content-length': String(64 * 1024 * 1024) });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const more = () => {
        while (sent < 64 * 1024 * 1024 && !response.destroyed) {
          sent += chunk.length;
          if (!response.write(chunk)) return response.once('drain', more);
        }
      };
      more();
    });
    await new Promise<void>((resolve) => flooding.listen(0, '127.0.0.1', resolve));
    try {
      const created = await ctx.t.http
        .post('/v1/audit-sinks')
        .set(bearer(ctx.tenant.key))
        .send({
          name: 'flooding',
          kind: 'object_storage',
          url: `http://127.0.0.1:${(flooding.address() as AddressInfo).port}/bucket`,
          credentials: credentials(),
        })
        .expect(201);
      expect(created.body.test).toMatchObject({ delivered: false, status: null });
      expect(sent).toBeLessThan(16 * 1024 * 1024);
    } finally {
      flooding.closeAllConnections();
      flooding.close();
    }
  });

  it('says why when the bucket or the credentials are wrong, and refuses what does not fit an object store', async () => {
    const missingBucket = await ctx.t.http
      .post('/v1/audit-sinks')
      .set(bearer(ctx.tenant.key))
      .send({ name: 'no-bucket', kind: 'object_storage', url: `${store.endpoint}/no-such-bucket`, credentials: credentials() })
      .expect(201);
    expect(missingBucket.body.test).toEqual({ delivered: false, status: 404, error: 'receiver_status' });
    const wrongKey = await ctx.t.http
      .post('/v1/audit-sinks')
      .set(bearer(ctx.tenant.key))
      .send({
        name: 'wrong-key',
        kind: 'object_storage',
        url: `${store.endpoint}/${store.bucket}`,
        credentials: { ...credentials(), accessKeyId: 'NOTTHEKEY' },
      })
      .expect(201);
    expect(wrongKey.body.test).toEqual({ delivered: false, status: 403, error: 'receiver_status' });

    const refused = async (body: Record<string, unknown>, field: string) => {
      const answer = await ctx.t.http
        .post('/v1/audit-sinks')
        .set(bearer(ctx.tenant.key))
        .send({ name: 'refused', ...body })
        .expect(400);
      expect(answer.body.error).toMatchObject({ code: 'validation_failed', details: { fields: [{ field }] } });
    };
    await refused({ kind: 'object_storage', url: `${store.endpoint}/${store.bucket}` }, 'credentials');
    await refused({ kind: 'object_storage', url: store.endpoint, credentials: credentials() }, 'url');
    await refused({ kind: 'object_storage', url: `syslog-tls://${store.endpoint.slice(7)}`, credentials: credentials() }, 'url');
    await refused({ kind: 'webhook', url: `${store.endpoint}/hook`, credentials: credentials() }, 'credentials');
    await refused({ kind: 'syslog', url: `${store.endpoint}/` }, 'url');
    await refused({ kind: 'syslog', url: 'syslog-tls://collector.example.com:6514/path' }, 'url');
    await refused({ kind: 'object_storage', url: `${store.endpoint}/logs--usw2-az1--x-s3`, credentials: credentials() }, 'url');
    const moved = await ctx.t.http
      .patch(`/v1/audit-sinks/${wrongKey.body.id}`)
      .set(bearer(ctx.tenant.key))
      .send({ url: `http://localhost:${new URL(store.endpoint).port}/${store.bucket}` })
      .expect(400);
    expect(moved.body.error).toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'credentials' }] } });
    const rotated = await ctx.t.http
      .post(`/v1/audit-sinks/${wrongKey.body.id}/secret-rotations`)
      .set(bearer(ctx.tenant.key))
      .send({})
      .expect(409);
    expect(rotated.body.error.code).toBe('audit_sink_has_no_signing_secret');
  });
});
