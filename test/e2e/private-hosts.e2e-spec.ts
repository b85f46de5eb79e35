import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { LookupAddress } from 'node:dns';
import { OUTBOUND_EXTRA_CA_CERTIFICATES, OUTBOUND_RESOLVER } from '../../src/outbound/outbound-policy';
import { validCredentials } from '../factories/credentials.factory';
import { createTenant, TestTenant } from '../factories/tenant.factory';
import { clientIssue, configureEndUserAuth } from '../helpers/end-users';
import { createPrivateCa, PrivateCa } from '../helpers/private-ca';
import { bearer, createTestApp, TestApp } from '../helpers/test-app';
import { createSigningKey, signToken, SigningKey } from '../helpers/test-idp';

const ISSUER = 'https://idp.corp.example/';

/** An https server (certificate for localhost and 127.0.0.1) serving a JWKS at /jwks and broken answers elsewhere. */
interface JwksServer {
  port: number;
  /** The paths asked for, and the TCP connections made, so far. */
  requests: string[];
  connections(): number;
  failWith(status: number | undefined): void;
  close(): Promise<void>;
}

async function startJwksServer(tls: PrivateCa, key: SigningKey, host: string): Promise<JwksServer> {
  const requests: string[] = [];
  let connections = 0;
  let failure: number | undefined;
  const server = https.createServer({ cert: fs.readFileSync(tls.certFile), key: fs.readFileSync(tls.keyFile) }, (request, response) => {
    requests.push(request.url!);
    const json = (body: unknown) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (failure) return void response.writeHead(failure).end();
    if (request.url === '/jwks') return json({ keys: [key.publicJwk] });
    if (request.url === '/hmac-only') return json({ keys: [{ kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQ', alg: 'HS256' }] });
    if (request.url === '/not-json') return void response.writeHead(200).end('<html>');
    response.writeHead(404).end();
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    requests,
    connections: () => connections,
    failWith: (status) => (failure = status),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A TCP listener on 127.0.0.2 that counts connections: the guard must leave it at 0. */
async function countingListener(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => connections,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The test's DNS: these names lead to 127.0.0.2, every other one does not resolve. Names asked are kept. */
function resolverFor(asked: string[], names: string[]) {
  const answers = Object.fromEntries(names.map((name): [string, LookupAddress[]] => [name, [{ address: '127.0.0.2', family: 4 }]]));
  return async (hostname: string): Promise<LookupAddress[]> => {
    asked.push(hostname);
    const answer = answers[hostname];
    if (answer) return answer;
    throw Object.assign(new Error(`queryA ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', syscall: 'queryA', hostname });
  };
}

const putIssuer = (t: TestApp, tenant: TestTenant, issuer: Record<string, unknown>, more: Record<string, unknown>[] = []) =>
  t.http
    .put('/v1/end-user-auth')
    .set(bearer(tenant.key))
    .send({ issuers: [{ issuer: ISSUER, audience: 'callpass', ...issuer }, ...more], sessions: false });

describe('OUTBOUND_ALLOWED_PRIVATE_HOSTS (127.0.0.1/32 and idp.corp.internal listed, the guard on)', () => {
  let ca: PrivateCa;
  let otherCa: PrivateCa;
  let key: SigningKey;
  let idp: JwksServer;
  let untrusted: JwksServer;
  let listener: Awaited<ReturnType<typeof countingListener>>;
  let t: TestApp;
  let tenant: TestTenant;
  const asked: string[] = [];
  const jwks = (path = '/jwks') => `https://127.0.0.1:${idp.port}${path}`;
  const tokenFor = async (sub: string) => {
    const now = Math.floor(t.clock.now().getTime() / 1000);
    return signToken({ iss: ISSUER, aud: 'callpass', sub, iat: now, exp: now + 600 }, key);
  };

  beforeAll(async () => {
    ca = createPrivateCa();
    otherCa = createPrivateCa();
    key = await createSigningKey();
    idp = await startJwksServer(ca, key, '127.0.0.1');
    untrusted = await startJwksServer(otherCa, key, '127.0.0.1');
    listener = await countingListener();
    t = await createTestApp({
      env: { ALLOW_PRIVATE_NETWORK_URLS: 'false', OUTBOUND_ALLOWED_PRIVATE_HOSTS: '127.0.0.1/32, IDP.corp.internal.' },
      overrides: [
        { provide: OUTBOUND_RESOLVER, useValue: resolverFor(asked, ['idp.corp.internal', 'jwks.tenant.test']) },
        { provide: OUTBOUND_EXTRA_CA_CERTIFICATES, useValue: [ca.caPem] },
      ],
    });
    tenant = await createTenant(t);
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([idp?.close(), untrusted?.close(), listener?.close()]);
    ca?.remove();
    otherCa?.remove();
  });

  it('fetches a JWKS at a listed address, on PUT and when a token comes', async () => {
    const before = idp.requests.length;
    await putIssuer(t, tenant, { jwksUrl: jwks() }).expect(200);
    expect(idp.requests.length - before).toBe(1);
    const answer = await clientIssue(t, tenant, await tokenFor('alice'));
    // Verified with the fetched key: what stops it is that the user has no endpoint, not the end-user check.
    expect(`${answer.status} ${answer.body.error?.code}`).toBe('404 endpoint_not_found');
    expect(idp.requests.length - before).toBe(2);
  });

  it('stores a provider base URL at a listed address, and connects to it', async () => {
    const accountAt = async (name: string) => {
      const account = await t.http
        .post('/v1/provider-accounts')
        .set(bearer(tenant.key))
        .send({ provider: 'plivo', name, baseUrl: `https://127.0.0.1:${idp.port}`, ...validCredentials.plivo() })
        .expect(201);
      const endpoint = await t.http
        .post('/v1/endpoints')
        .set(bearer(tenant.key))
        .send({ providerAccountId: account.body.id, userId: name, identity: name, capabilities: ['outgoing'] })
        .expect(201);
      return { accountId: account.body.id as string, endpointId: endpoint.body.id as string };
    };
    const listed = await accountAt('listed');
    const requests = idp.requests.length;
    const response = await t.http.post('/v1/tokens').set(bearer(tenant.key)).send({ endpointId: listed.endpointId });
    // The server answers 404 to a provider's API call: reached, but no token.
    expect(response.body.error?.code).not.toBe('provider_address_forbidden');
    expect(idp.requests.length).toBeGreaterThan(requests);

    // An account moved (as if stored earlier) to an unlisted loopback address: refused where the connection is made.
    const moved = await accountAt('moved');
    await t.database.query('UPDATE provider_accounts SET base_url = $1 WHERE id = $2', [
      `https://127.0.0.2:${listener.port}`,
      moved.accountId,
    ]);
    const refused = await t.http.post('/v1/tokens').set(bearer(tenant.key)).send({ endpointId: moved.endpointId });
    expect(`${refused.status} ${refused.body.error?.code}`).toBe('422 provider_address_forbidden');
    expect(listener.connections()).toBe(0);
  });

  it.each([
    `https://127.0.0.2:9443/jwks`,
    'https://10.0.0.1/jwks',
    'https://192.168.1.1/jwks',
    'https://169.254.169.254/jwks',
    'https://localhost/jwks',
    'https://other.corp.internal/jwks',
    'https://sub.idp.corp.internal/jwks',
  ])('still refuses the unlisted private URL %s when it is saved (400)', async (jwksUrl) => {
    const response = await putIssuer(t, tenant, { jwksUrl, checkJwks: false }).expect(400);
    expect(response.body.error).toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'issuers[0].jwksUrl' }] } });
    const account = await t.http
      .post('/v1/provider-accounts')
      .set(bearer(tenant.key))
      .send({ provider: 'plivo', name: `refused-${Math.random()}`, baseUrl: new URL(jwksUrl).origin, ...validCredentials.plivo() })
      .expect(400);
    expect(account.body.error.details.fields[0].field).toBe('baseUrl');
  });

  it('names the cause of each JWKS it cannot use (422 end_user_jwks_unreachable)', async () => {
    const closedPort = (await countingListener().then(async (closed) => (await closed.close(), closed))).port;
    const cases: [string, string, number?][] = [
      [`https://jwks.tenant.test:${listener.port}/jwks`, 'forbidden_address'],
      [`https://idp.corp.internal:${listener.port}/jwks`, 'forbidden_address'],
      [`https://nxdomain.test/jwks`, 'dns'],
      [`https://127.0.0.1:${untrusted.port}/jwks`, 'tls'],
      [`https://127.0.0.1:${closedPort}/jwks`, 'connect'],
      [jwks('/missing'), 'status', 404],
      [jwks('/not-json'), 'not_json'],
      [jwks('/hmac-only'), 'no_usable_keys'],
    ];
    const outcomes: unknown[] = [];
    for (const [jwksUrl] of cases) {
      const response = await putIssuer(t, tenant, { jwksUrl });
      outcomes.push([response.status, response.body.error?.code, response.body.error?.details]);
    }
    expect(outcomes).toEqual(
      cases.map(([, cause, status]) => [422, 'end_user_jwks_unreachable', { issuer: ISSUER, cause, ...(status ? { status } : {}) }]),
    );
    // A listed name may lead to private-network addresses only: to loopback it is refused, with no connection made.
    expect(asked).toEqual(expect.arrayContaining(['jwks.tenant.test', 'idp.corp.internal', 'nxdomain.test']));
    expect(listener.connections()).toBe(0);
  });

  it('checks the whole body before fetching any JWKS', async () => {
    const own = await createTenant(t);
    const before = idp.requests.length;
    const twoIssuers = [{ issuer: 'https://second.example/', audience: 'callpass', jwksUrl: jwks() }];
    // Two issuers need a userIdPrefix each: refused as a 400 without a fetch.
    const missingPrefix = await putIssuer(t, own, { jwksUrl: jwks() }, twoIssuers).expect(400);
    expect(missingPrefix.body.error.details.fields[0].field).toMatch(/^issuers\[\d\]\.userIdPrefix$/);
    const badKey = await putIssuer(t, own, { jwksUrl: jwks(), userIdPrefix: 'a:' }, [
      { issuer: 'https://second.example/', audience: 'callpass', publicKeyPem: 'not a key', userIdPrefix: 'b:' },
    ]);
    expect(badKey.status).toBe(400);
    expect(idp.requests.length).toBe(before);
  });

  it('does not fetch a jwksUrl again when it is unchanged, unless its last fetch failed', async () => {
    const own = await createTenant(t);
    const count = () => idp.requests.filter((path) => path === '/jwks').length;
    let before = count();
    await putIssuer(t, own, { jwksUrl: jwks() }).expect(200);
    expect(count() - before).toBe(1);

    // The same URL again (audience changed): no fetch. Changed algorithms: a fetch (usable keys depend on them).
    before = count();
    await putIssuer(t, own, { jwksUrl: jwks(), audience: 'other' }).expect(200);
    expect(count() - before).toBe(0);
    await putIssuer(t, own, { jwksUrl: jwks(), audience: 'other', algorithms: ['RS256'] }).expect(200);
    expect(count() - before).toBe(1);

    // A token's fetch fails and is recorded; the next PUT of the same URL fetches again.
    idp.failWith(500);
    try {
      const answer = await clientIssue(t, own, await tokenFor('bob'));
      expect(`${answer.status} ${answer.body.error?.code}`).toBe('503 end_user_keys_unavailable');
      const refused = await putIssuer(t, own, { jwksUrl: jwks(), audience: 'other', algorithms: ['RS256'] }).expect(422);
      expect(refused.body.error.details).toEqual({ issuer: ISSUER, cause: 'status', status: 500 });
    } finally {
      idp.failWith(undefined);
    }
    before = count();
    await putIssuer(t, own, { jwksUrl: jwks(), audience: 'other', algorithms: ['RS256'] }).expect(200);
    expect(count() - before).toBe(1);
  });
});

describe('OUTBOUND_ALLOWED_PRIVATE_HOSTS in production (idp.corp.internal and 10.20.0.0/16 listed)', () => {
  let t: TestApp;
  let tenant: TestTenant;
  const asked: string[] = [];

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        NODE_ENV: 'production',
        // The test database is injected; production only insists that one is configured.
        DATABASE_URL: 'postgresql://unused@127.0.0.1:1/unused',
        ALLOW_PRIVATE_NETWORK_URLS: 'false',
        OUTBOUND_ALLOWED_PRIVATE_HOSTS: 'idp.corp.internal,10.20.0.0/16',
      },
      // Every name fails to resolve here: nothing leaves this machine.
      overrides: [{ provide: OUTBOUND_RESOLVER, useValue: resolverFor(asked, []) }],
    });
    tenant = await createTenant(t);
  });
  afterAll(() => t?.close());

  it('refuses a JWKS URL on a port other than 443 unless its host is listed, before any lookup', async () => {
    for (const jwksUrl of ['https://idp.example.com:8443/jwks', 'https://idp.example.com:22/jwks', 'https://10.21.0.1:8443/jwks']) {
      const response = await putIssuer(t, tenant, { jwksUrl }).expect(400);
      expect(response.body.error).toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'issuers[0].jwksUrl' }] } });
    }
    const portRefusal = await putIssuer(t, tenant, { jwksUrl: 'https://idp.example.com:8443/jwks' }).expect(400);
    expect(portRefusal.body.error.details.fields[0].messages[0]).toContain('443');
    expect(asked).toEqual([]);

    // https's own port, or a listed host on any port, passes the URL check and is fetched (here: its name does not resolve).
    for (const jwksUrl of ['https://idp.example.com:443/jwks', 'https://idp.corp.internal:8443/jwks']) {
      const response = await putIssuer(t, tenant, { jwksUrl }).expect(422);
      expect(response.body.error.details.cause).toBe('dns');
    }
    expect(asked).toEqual(['idp.example.com', 'idp.corp.internal']);
    // A literal in the listed range, on its own port (not fetched: it is not on this machine).
    await putIssuer(t, tenant, { jwksUrl: 'https://10.20.0.9:8443/jwks', checkJwks: false }).expect(200);
  });

  it('does not fetch a stored JWKS URL on another port either (cause forbidden_port)', async () => {
    const own = await createTenant(t);
    await configureEndUserAuth(t, own, {
      issuers: [{ issuer: ISSUER, audience: 'callpass', jwksUrl: 'https://idp.example.com/jwks', checkJwks: false }],
    });
    await t.database.query(
      "UPDATE end_user_issuers SET jwks_url = 'https://idp.example.com:8443/jwks', updated_at = now() + interval '1 second' WHERE tenant_id = $1",
      [own.id],
    );
    const key = await createSigningKey();
    const now = Math.floor(t.clock.now().getTime() / 1000);
    const token = await signToken({ iss: ISSUER, aud: 'callpass', sub: 'carol', iat: now, exp: now + 600 }, key);
    const lookups = asked.length;
    const answer = await clientIssue(t, own, token);
    expect(`${answer.status} ${answer.body.error?.code}`).toBe('503 end_user_keys_unavailable');
    expect(asked.length).toBe(lookups);
    const { body } = await t.http.get('/v1/end-user-auth').set(bearer(own.key)).expect(200);
    expect(body.issuers[0].jwks.lastError).toMatchObject({ cause: 'forbidden_port' });
  });
});
