import { LookupAddress } from 'node:dns';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createSystemResolver } from '../../src/outbound/guarded-dispatcher';
import { providerKits } from '../../src/providers/provider-kits';
import { OUTBOUND_RESOLVER } from '../../src/outbound/outbound-policy';
import { SinkDeliveryService } from '../../src/audit-streaming/sink-delivery.service';
import { validCredentials } from '../factories/credentials.factory';
import { createTenant, TestTenant } from '../factories/tenant.factory';
import { clientIssue, configureEndUserAuth } from '../helpers/end-users';
import { createIssuingContext, IssuingContext } from '../helpers/issuing';
import { bearer, createTestApp, TestApp } from '../helpers/test-app';
import { createSigningKey, signToken } from '../helpers/test-idp';

/** Names the test's resolver answers, as a rebinding or misconfigured DNS would: all lead to this machine. */
const LOOPBACK_NAMES: Record<string, LookupAddress[]> = {
  'rebind.test': [{ address: '127.0.0.1', family: 4 }],
  'six.test': [{ address: '::1', family: 6 }],
  'mapped.test': [{ address: '::ffff:127.0.0.1', family: 6 }],
  'unspecified.test': [{ address: '0.0.0.0', family: 4 }],
  'many.test': [
    { address: '127.0.0.2', family: 4 },
    { address: '127.0.0.1', family: 4 },
  ],
};

/** URLs refused when saved: private, loopback, link-local and metadata addresses in any spelling, plain http, credentials. */
const REFUSED_URLS = [
  'https://127.0.0.1',
  'https://localhost',
  'https://[::1]',
  'https://[::ffff:127.0.0.1]',
  'https://0x7f000001',
  'https://2130706433',
  'https://0177.0.0.1',
  'https://127.1',
  'https://0.0.0.0',
  'https://[::]',
  'https://169.254.169.254',
  'https://metadata.google.internal',
  'https://10.0.0.1',
  'https://172.16.0.1',
  'https://192.168.0.1',
  'https://100.64.0.1',
  'https://[fd00::1]',
  'https://[fe80::1]',
  'https://sub.localhost',
  'http://api.plivo.com',
  'https://user:password@api.plivo.com',
];

/** This machine's loopback listener at `port`, spelled every way a stored URL could, or named by a rebinding DNS. */
const loopbackSpellings = (port: number) => [
  `https://127.0.0.1:${port}`,
  `https://localhost:${port}`,
  `https://[::1]:${port}`,
  `https://[::ffff:127.0.0.1]:${port}`,
  `https://0x7f000001:${port}`,
  `https://2130706433:${port}`,
  `https://0177.0.0.1:${port}`,
  `https://127.1:${port}`,
  `https://0.0.0.0:${port}`,
  `https://[::]:${port}`,
  `https://LOCALHOST.:${port}`,
  `https://rebind.test:${port}`,
  `https://rebind.test:${port}`,
  `https://six.test:${port}`,
  `https://mapped.test:${port}`,
  `https://unspecified.test:${port}`,
  `https://many.test:${port}`,
  `https://127.000.000.001:${port}`,
  `https://[0:0:0:0:0:ffff:7f00:1]:${port}`,
  `https://api.example.com:${port}`,
];

/** A listener on loopback that counts the connections it gets: the guard must leave it at 0. */
async function countingListener(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const servers: net.Server[] = [];
  const listen = (host: string, port: number) =>
    new Promise<net.Server | undefined>((resolve) => {
      const server = net.createServer((socket) => {
        connections += 1;
        socket.destroy();
      });
      server.once('error', () => resolve(undefined));
      server.listen(port, host, () => resolve(server));
    });
  const first = (await listen('127.0.0.1', 0))!;
  servers.push(first);
  const { port } = first.address() as net.AddressInfo;
  const six = await listen('::1', port);
  if (six) servers.push(six);
  return {
    port,
    connections: () => connections,
    close: async () => void (await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))))),
  };
}

describe('SSRF guard on tenant-chosen URLs (ALLOW_PRIVATE_NETWORK_URLS off, as in production)', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let listener: Awaited<ReturnType<typeof countingListener>>;

  beforeAll(async () => {
    listener = await countingListener();
    t = await createTestApp({
      env: { ALLOW_PRIVATE_NETWORK_URLS: 'false' },
      overrides: [
        {
          provide: OUTBOUND_RESOLVER,
          useValue: async (hostname: string) => LOOPBACK_NAMES[hostname] ?? [{ address: '127.0.0.1', family: 4 }],
        },
      ],
    });
    tenant = await createTenant(t);
  });
  afterAll(async () => {
    await t?.close();
    await listener?.close();
  });

  it.each(REFUSED_URLS)('refuses to store baseUrl %s (400)', async (baseUrl) => {
    const response = await t.http
      .post('/v1/provider-accounts')
      .set(bearer(tenant.key))
      .send({ provider: 'plivo', name: `ssrf-${Math.random()}`, baseUrl, ...validCredentials.plivo() })
      .expect(400);
    expect(response.body.error).toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'baseUrl' }] } });
  });

  it.each(REFUSED_URLS)("refuses to store an identity provider's jwksUrl %s (400)", async (jwksUrl) => {
    const response = await t.http
      .put('/v1/end-user-auth')
      .set(bearer(tenant.key))
      .send({ issuers: [{ issuer: 'https://idp.example/', audience: 'callpass', jwksUrl: `${jwksUrl}/jwks` }], sessions: false })
      .expect(400);
    expect(response.body.error).toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'issuers[0].jwksUrl' }] } });
  });

  it('refuses to move a stored account onto a private address too', async () => {
    const created = await t.http
      .post('/v1/provider-accounts')
      .set(bearer(tenant.key))
      .send({ provider: 'plivo', name: 'moving', ...validCredentials.plivo() })
      .expect(201);
    const moved = await t.http
      .patch(`/v1/provider-accounts/${created.body.id}`)
      .set(bearer(tenant.key))
      .send({ baseUrl: 'https://169.254.169.254', secrets: validCredentials.plivo().secrets })
      .expect(400);
    expect(moved.body.error.details.fields[0].field).toBe('baseUrl');
  });

  it('connects to no loopback address, in any spelling or through any name, when a stored URL points there', async () => {
    const { port } = listener;
    const vectors = loopbackSpellings(port);
    const credentials = validCredentials.plivo();
    const account = await t.http
      .post('/v1/provider-accounts')
      .set(bearer(tenant.key))
      .send({ provider: 'plivo', name: 'stored-before', ...credentials })
      .expect(201);
    const endpoint = await t.http
      .post('/v1/endpoints')
      .set(bearer(tenant.key))
      .send({ providerAccountId: account.body.id, userId: 'ssrf', identity: 'ssrf', capabilities: ['outgoing'] })
      .expect(201);
    const outcomes: string[] = [];
    for (const baseUrl of vectors) {
      // As if stored while private URLs were allowed: only the connect-time check stands in the way.
      await t.database.query('UPDATE provider_accounts SET base_url = $1 WHERE id = $2', [baseUrl, account.body.id]);
      const response = await t.http.post('/v1/tokens').set(bearer(tenant.key)).send({ endpointId: endpoint.body.id });
      outcomes.push(`${response.status} ${response.body.error?.code}`);
    }
    expect(outcomes).toEqual(vectors.map(() => '422 provider_address_forbidden'));
    expect(listener.connections()).toBe(0);
  });

  it.each(REFUSED_URLS)("refuses to store an audit sink's url %s (400)", async (url) => {
    const response = await t.http
      .post('/v1/audit-sinks')
      .set(bearer(tenant.key))
      .send({ name: `ssrf-${Math.random()}`, kind: 'webhook', url: `${url}/events` })
      .expect(400);
    expect(response.body.error).toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'url' }] } });
  });

  it.each(['127.0.0.1', '[::1]', '0x7f000001', '127.1', '169.254.169.254', '10.0.0.1', 'localhost', 'metadata.google.internal'])(
    'refuses a syslog collector or an object store at %s (400), and moving a sink there',
    async (host) => {
      const syslog = await t.http
        .post('/v1/audit-sinks')
        .set(bearer(tenant.key))
        .send({ name: `ssrf-${Math.random()}`, kind: 'syslog', url: `syslog-tls://${host}:6514` })
        .expect(400);
      expect(syslog.body.error.details.fields[0].field).toBe('url');
      const bucket = await t.http
        .post('/v1/audit-sinks')
        .set(bearer(tenant.key))
        .send({
          name: `ssrf-${Math.random()}`,
          kind: 'object_storage',
          url: `https://${host}/bucket`,
          credentials: { accessKeyId: 'AKIA', secretAccessKey: 'secret' },
        })
        .expect(400);
      expect(bucket.body.error.details.fields[0].field).toBe('url');
      const sink = await t.http
        .post('/v1/audit-sinks')
        .set(bearer(tenant.key))
        .send({ name: `public-${Math.random()}`, kind: 'webhook', url: 'https://siem.example.com/events' })
        .expect(201);
      const moved = await t.http
        .patch(`/v1/audit-sinks/${sink.body.id}`)
        .set(bearer(tenant.key))
        .send({ url: `https://${host}/events` })
        .expect(400);
      expect(moved.body.error.details.fields[0].field).toBe('url');
      await t.http.delete(`/v1/audit-sinks/${sink.body.id}`).set(bearer(tenant.key)).expect(204);
    },
  );

  it('connects to no loopback address for a syslog collector or an object store whose name resolves there', async () => {
    const before = listener.connections();
    const syslog = await t.http
      .post('/v1/audit-sinks')
      .set(bearer(tenant.key))
      .send({ name: 'rebinding-syslog', kind: 'syslog', url: `syslog-tls://rebind.test:${listener.port}` })
      .expect(201);
    expect(syslog.body.test).toEqual({ delivered: false, status: null, error: 'forbidden_address' });
    const bucket = await t.http
      .post('/v1/audit-sinks')
      .set(bearer(tenant.key))
      .send({
        name: 'rebinding-bucket',
        kind: 'object_storage',
        url: `https://rebind.test:${listener.port}/bucket`,
        credentials: { accessKeyId: 'AKIA', secretAccessKey: 'secret' },
      })
      .expect(201);
    expect(bucket.body.test).toEqual({ delivered: false, status: null, error: 'forbidden_address' });
    expect(listener.connections()).toBe(before);
  });

  it('connects to no loopback address for an audit sink: not for its test message, not for a delivery', async () => {
    const before = listener.connections();
    const sink = await t.http
      .post('/v1/audit-sinks')
      .set(bearer(tenant.key))
      .send({ name: 'rebinding', kind: 'webhook', url: `https://rebind.test:${listener.port}/events`, logs: ['audit_events'] })
      .expect(201);
    expect(sink.body.test).toEqual({ delivered: false, status: null, error: 'forbidden_address' });
    // As if stored while private URLs were allowed: only the connect-time check stands in the way.
    await t.database.query('UPDATE audit_sinks SET url = $1 WHERE id = $2', [`https://127.0.0.1:${listener.port}/events`, sink.body.id]);
    expect(await t.app.get(SinkDeliveryService).deliverDue()).toBe(0);
    const status = await t.http.get(`/v1/audit-sinks/${sink.body.id}`).set(bearer(tenant.key)).expect(200);
    const [cursor] = status.body.delivery;
    expect(cursor).toMatchObject({ lastError: 'forbidden_address', deliveredSeq: cursor.startSeq, attempts: 1 });
    expect(Number(cursor.backlog)).toBeGreaterThan(0);
    expect(listener.connections()).toBe(before);
  });

  it("fetches no identity provider's keys from a loopback address, in any spelling or through any name", async () => {
    const { port } = listener;
    const vectors = [...loopbackSpellings(port), `http://idp.example.com:${port}`];
    const issuer = 'https://idp.example.com/';
    await configureEndUserAuth(t, tenant, {
      issuers: [{ issuer, audience: 'callpass', jwksUrl: 'https://idp.example.com/jwks', checkJwks: false }],
    });
    const key = await createSigningKey();
    const now = Math.floor(t.clock.now().getTime() / 1000);
    const token = await signToken({ iss: issuer, aud: 'callpass', sub: 'alice', iat: now, exp: now + 600 }, key);
    const outcomes: string[] = [];
    for (const [index, jwksUrl] of vectors.entries()) {
      // As if stored while private URLs were allowed (a new updated_at, so no cached key set is reused).
      await t.database.query(
        'UPDATE end_user_issuers SET jwks_url = $1, updated_at = now() + make_interval(secs => $2) WHERE tenant_id = $3',
        [`${jwksUrl}/jwks`, index + 1, tenant.id],
      );
      const response = await clientIssue(t, tenant, token);
      outcomes.push(`${response.status} ${response.body.error?.code}`);
    }
    expect(outcomes).toEqual(vectors.map(() => '503 end_user_keys_unavailable'));
    expect(listener.connections()).toBe(0);
  });

  it('sends secrets to no plain-http URL, even one stored before the https rule', async () => {
    const account = await t.http
      .post('/v1/provider-accounts')
      .set(bearer(tenant.key))
      .send({ provider: 'plivo', name: 'plain', ...validCredentials.plivo() })
      .expect(201);
    const endpoint = await t.http
      .post('/v1/endpoints')
      .set(bearer(tenant.key))
      .send({ providerAccountId: account.body.id, userId: 'plain', identity: 'plain', capabilities: ['outgoing'] })
      .expect(201);
    await t.database.query('UPDATE provider_accounts SET base_url = $1 WHERE id = $2', [
      `http://api.example.com:${listener.port}`,
      account.body.id,
    ]);
    const response = await t.http.post('/v1/tokens').set(bearer(tenant.key)).send({ endpointId: endpoint.body.id }).expect(422);
    expect(response.body.error).toMatchObject({ code: 'provider_address_forbidden', details: { reason: 'not_https' } });
    expect(listener.connections()).toBe(0);
  });
});

describe('redirects from a provider', () => {
  let ctx: IssuingContext;
  let listener: Awaited<ReturnType<typeof countingListener>>;
  beforeAll(async () => {
    listener = await countingListener();
    ctx = await createIssuingContext();
  });
  afterAll(async () => {
    await ctx?.close();
    await listener?.close();
  });

  it('are never followed', async () => {
    const accountId = await ctx.createAccount(providerKits.plivo.emulatedAccount(ctx.emulators.plivo));
    const endpoint = await ctx.createEndpoint(accountId, { userId: 'redirected', identity: 'redirected' });
    ctx.emulators.plivo.failNext(1, {
      kind: 'status',
      status: 307,
      headers: { location: `http://127.0.0.1:${listener.port}/v1/Account/x/JWT/Token/` },
      body: {},
    });
    const response = await ctx.issue({ endpointId: endpoint.id }).expect(502);
    expect(response.body.error.code).toBe('provider_bad_response');
    expect(listener.connections()).toBe(0);
  });
});

describe('a provider host named in the hosts file (ALLOW_PRIVATE_NETWORK_URLS off)', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let listener: Awaited<ReturnType<typeof countingListener>>;
  const askedDns: string[] = [];
  const hostsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'callpass-hosts-')), 'hosts');

  beforeAll(async () => {
    listener = await countingListener();
    fs.writeFileSync(
      hostsFile,
      '# as Docker extra_hosts or Kubernetes hostAliases write it\n127.0.0.1\tlocalhost\n127.0.0.1 provider.hosts.test # here\n',
    );
    t = await createTestApp({
      env: { ALLOW_PRIVATE_NETWORK_URLS: 'false' },
      overrides: [
        {
          provide: OUTBOUND_RESOLVER,
          // The system resolver, with a DNS that knows no name (as public DNS does not know a hosts-file name).
          useValue: createSystemResolver({
            hostsFile,
            dns: async (hostname) => {
              askedDns.push(hostname);
              throw Object.assign(new Error(`queryA ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
            },
          }),
        },
      ],
    });
    tenant = await createTenant(t);
  });
  afterAll(async () => {
    await t?.close();
    await listener?.close();
  });

  it('is refused as a forbidden address (422), with no connection, and never opens the circuit', async () => {
    const account = await t.http
      .post('/v1/provider-accounts')
      .set(bearer(tenant.key))
      .send({ provider: 'plivo', name: 'hosts-file', baseUrl: 'https://provider.hosts.test', ...validCredentials.plivo() })
      .expect(201);
    const endpoint = await t.http
      .post('/v1/endpoints')
      .set(bearer(tenant.key))
      .send({ providerAccountId: account.body.id, userId: 'hosts', identity: 'hosts', capabilities: ['outgoing'] })
      .expect(201);
    await t.database.query('UPDATE provider_accounts SET base_url = $1 WHERE id = $2', [
      `https://provider.hosts.test:${listener.port}`,
      account.body.id,
    ]);
    const outcomes: string[] = [];
    // More than the 5 failures that open a circuit: a refusal is not a provider's outage.
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const response = await t.http.post('/v1/tokens').set(bearer(tenant.key)).send({ endpointId: endpoint.body.id });
      outcomes.push(`${response.status} ${response.body.error?.code}`);
    }
    expect(outcomes).toEqual(outcomes.map(() => '422 provider_address_forbidden'));
    expect(listener.connections()).toBe(0);
    expect(askedDns).toEqual([]);
  });
});
