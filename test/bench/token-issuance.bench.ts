import { generateKeyPairSync, KeyObject, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { SignJWT } from 'jose';
import { Client } from 'pg';
import twilio from 'twilio';
import { generateApiKey, hashApiKey } from '../../src/crypto/api-key-codec';
import { formatKeyEntry } from '../../src/crypto/keyring';
import { PROVIDER_KITS, providerKits } from '../../src/providers/provider-kits';
import { accessToken } from '../../src/providers/twilio/twilio-tokens';
import { PEER_SCHEMA, PeerMint } from './peers/peer-setup';
import { CONNECTIONS, freePort, freshDatabase, load, Measured, ready, ROUNDS, SECONDS, start, Target } from './bench-kit';

/**
 * `npm run bench`: Twilio token issuance through Callpass (built, production mode, on PostgreSQL) against the routes
 * a tenant would otherwise write, all in one run: the quickstart (Express + the twilio helper, no auth, no audit),
 * a hand-written end-user route (Express, the IdP's JWT verified with jose, the twilio helper, no audit), a bare
 * audited route (Fastify, one key SELECT and one awaited audit INSERT per token) and a bare batched one (key cached,
 * concurrent audit rows in one durable INSERT). Callpass is measured on its tenant route (`POST /v1/tokens`) and its
 * browser route (`POST /v1/client/{slug}/tokens`, with the IdP's JWT and with a session). Each server is its own
 * process; the load generator
 * (autocannon's CLI) is another. Rounds are interleaved and the median of each target reported, with Callpass's
 * ratio to each peer, PostgreSQL's CPU per token, and a check that every 201 Callpass gave has its audit row. Every
 * other provider whose tokens Callpass signs itself is measured through Callpass too, against Callpass's Twilio.
 *   BENCH_DATABASE_URL  PostgreSQL server (default postgresql://postgres@127.0.0.1:5432/postgres)
 *   BENCH_SECONDS       measured seconds per target and round (default 10), each after a 2 s warm-up
 *   BENCH_ROUNDS        interleaved rounds (default 3)
 *   BENCH_CPU_PROFILE   a folder: writes a V8 CPU profile of the service there (open it in Chrome DevTools)
 *   BENCH_ONLY          measure only the targets whose names contain one of these comma-separated words (to profile one;
 *                       `=name` for exactly that target);
 *                       `flood` for the flood
 *   BENCH_NODE          `current`: run on the Node that runs npm instead of Node 24 (test/bench/bench.sh)
 */
const ONLY = process.env.BENCH_ONLY?.split(',');
const DATABASE = 'callpass_bench';
const CLOCK_TICKS_PER_SECOND = 100;

const TARGETS = {
  tenantRoute: 'Callpass POST /v1/tokens',
  tenantRouteNoRollups: 'Callpass POST /v1/tokens, console off',
  endUserJwt: 'Callpass browser route, IdP JWT',
  endUserSession: 'Callpass browser route, session',
  handWritten: 'hand-written end-user route',
  quickstart: 'quickstart: Express + twilio helper',
  audited: 'bare audited: SELECT + INSERT per token',
  batched: 'bare batched: cached key, batched INSERT',
  withoutNest: 'bound: Callpass pipeline, no Nest',
};
/** One target's measured round, with the CPU its server spent. */
type Round = Measured & { serverCpuMs: number };
/** The ratios the issue's goals are stated in: [numerator, denominator]. */
const RATIOS: [string, string][] = [
  [TARGETS.endUserJwt, TARGETS.handWritten],
  [TARGETS.endUserJwt, TARGETS.batched],
  [TARGETS.endUserSession, TARGETS.handWritten],
  [TARGETS.endUserSession, TARGETS.batched],
  [TARGETS.tenantRoute, TARGETS.batched],
  // How close the tenant route could come if Nest's per-request pipeline cost nothing (peers/pipeline-without-nest.ts).
  [TARGETS.withoutNest, TARGETS.batched],
  [TARGETS.tenantRoute, TARGETS.audited],
  [TARGETS.tenantRoute, TARGETS.quickstart],
  // What keeping the console's rollups costs minting (issue 23: at most 5%).
  [TARGETS.tenantRoute, TARGETS.tenantRouteNoRollups],
];

async function main() {
  const databaseUrl = await freshDatabase(DATABASE);
  const adminKey = generateApiKey('admin').key;
  const mint = benchAccount();
  const idp = await benchIdentityProvider(mint.identity);
  const peerKey = generateApiKey('tenant').key;
  await preparePeers(databaseUrl, peerKey);

  const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  const [servicePort, noRollupsPort, quickstartPort, handWrittenPort, auditedPort, batchedPort, withoutNestPort] = await Promise.all(
    Array.from({ length: 7 }, () => freePort()),
  );
  const serviceEnv = {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    ENCRYPTION_KEYS: formatKeyEntry('bench', randomBytes(32)),
    BOOTSTRAP_ADMIN_KEY: adminKey,
    // Every measured client has an address of its own (X-Forwarded-For); the measured load all comes from 127.0.0.1,
    // so its per-client request cap is raised out of the way. The cap on 401s keeps its default.
    TRUST_PROXY: 'true',
    CLIENT_REQUESTS_PER_MINUTE: '100000000',
  };
  const peerEnv = { DATABASE_URL: databaseUrl, PEER_MINT: JSON.stringify(mint) };
  const processes = [
    start(process.execPath, [...profile, 'dist/main.js'], { ...serviceEnv, PORT: String(servicePort) }),
    // The same service with the console off, so keeping no rollups: what counting tokens for the overview costs.
    start(process.execPath, ['dist/main.js'], { ...serviceEnv, PORT: String(noRollupsPort), CONSOLE_ENABLED: 'false' }),
    startPeer('quickstart', quickstartPort, peerEnv),
    startPeer('hand-written-end-user', handWrittenPort, {
      ...peerEnv,
      PEER_IDP: JSON.stringify({ issuer: idp.issuer, audience: idp.audience }),
      PEER_IDP_PUBLIC_KEY: idp.publicKeyPem,
    }),
    startPeer('bare-audited', auditedPort, peerEnv),
    startPeer('bare-batched', batchedPort, peerEnv),
  ];
  try {
    const serviceUrl = `http://127.0.0.1:${servicePort}`;
    await ready(`${serviceUrl}/health/ready`);
    await ready(`http://127.0.0.1:${noRollupsPort}/health/ready`);
    for (const port of [quickstartPort, handWrittenPort, auditedPort, batchedPort]) await ready(`http://127.0.0.1:${port}/`, 404);
    // Started once the service has migrated the database it shares.
    processes.push(startPeer('pipeline-without-nest', withoutNestPort, serviceEnv));
    await ready(`http://127.0.0.1:${withoutNestPort}/health/ready`);
    const { tenantKey, endpointId, otherEndpoints, session, neighbour } = await seed(serviceUrl, adminKey, mint, idp);
    const json = { 'content-type': 'application/json' };
    const bearer = (credential: string) => ({ ...json, authorization: `Bearer ${credential}` });
    const peerTarget = (name: string, port: number, credential?: string): Target => ({
      name,
      url: `http://127.0.0.1:${port}/token`,
      headers: credential ? bearer(credential) : json,
      body: '{}',
    });
    const browserRoute = `${serviceUrl}/v1/client/bench/tokens`;
    const targets: Target[] = [
      {
        name: TARGETS.tenantRoute,
        url: `${serviceUrl}/v1/tokens`,
        headers: bearer(tenantKey),
        body: JSON.stringify({ endpointId }),
        callpass: true,
      },
      {
        name: TARGETS.tenantRouteNoRollups,
        url: `http://127.0.0.1:${noRollupsPort}/v1/tokens`,
        headers: bearer(tenantKey),
        body: JSON.stringify({ endpointId }),
        callpass: true,
      },
      { name: TARGETS.endUserJwt, url: browserRoute, headers: bearer(idp.token), body: '{}', callpass: true },
      { name: TARGETS.endUserSession, url: browserRoute, headers: bearer(session), body: '{}', callpass: true },
      peerTarget(TARGETS.handWritten, handWrittenPort, idp.token),
      peerTarget(TARGETS.quickstart, quickstartPort),
      peerTarget(TARGETS.audited, auditedPort, peerKey),
      peerTarget(TARGETS.batched, batchedPort, peerKey),
      { ...peerTarget(TARGETS.withoutNest, withoutNestPort, tenantKey), body: JSON.stringify({ endpointId }), callpass: true },
      ...otherEndpoints.map(({ title, endpointId: id }) => ({
        name: `${TARGETS.tenantRoute}, ${title}`,
        url: `${serviceUrl}/v1/tokens`,
        headers: bearer(tenantKey),
        body: JSON.stringify({ endpointId: id }),
        callpass: true,
      })),
    ];

    if (ONLY)
      targets.splice(
        0,
        targets.length,
        ...targets.filter((target) =>
          ONLY.some((word) => (word.startsWith('=') ? target.name === word.slice(1) : target.name.includes(word))),
        ),
      );
    const ports = [servicePort, noRollupsPort, quickstartPort, handWrittenPort, auditedPort, batchedPort, withoutNestPort];
    const serverOf = new Map(ports.map((port, index) => [port, processes[index].pid!]));
    const results = new Map<string, Round[]>(targets.map((target) => [target.name, []]));
    let callpassAnswers = 0;
    for (let round = 1; round <= ROUNDS; round += 1) {
      for (const target of targets) {
        const warmUp = await load(target, 2);
        const server = serverOf.get(Number(new URL(target.url).port))!;
        const cpuBefore = postgresCpuTicks();
        const serverCpuBefore = processCpuMs(server);
        const measured = await load(target, SECONDS);
        const postgresCpuMs = postgresCpuMsSince(cpuBefore);
        results.get(target.name)!.push({ ...measured, postgresCpuMs, serverCpuMs: processCpuMs(server) - serverCpuBefore });
        if (target.callpass) callpassAnswers += warmUp.ok + measured.ok;
        console.error(`round ${round}: ${target.name}: ${measured.tokensPerSecond.toFixed(0)} tokens/s, p99 ${measured.p99} ms`);
      }
    }
    const auditRows = await countIssued(databaseUrl);
    report(targets, results, auditRows, callpassAnswers);
    const neighbourTarget = {
      name: 'neighbour',
      url: `${serviceUrl}/v1/tokens`,
      headers: bearer(neighbour.key),
      body: JSON.stringify({ endpointId: neighbour.endpointId }),
    };
    if (!ONLY || ONLY.includes('flood')) console.log(await flood(browserRoute, neighbourTarget, processes[0].pid!, idp));
    console.log(`Callpass peak memory (resident): ${peakMemoryMb(processes[0].pid!)} MB`);
    console.log(`\nsigning one access token, in process:\n${signingCost(mint)}`);
  } finally {
    for (const child of processes) child.kill('SIGTERM');
  }
}

function report(targets: Target[], results: Map<string, Round[]>, auditRows: number, callpassAnswers: number) {
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const summary = targets.map((target) => {
    const runs = results.get(target.name)!;
    const tokens = runs.reduce((sum, run) => sum + run.tokensPerSecond * SECONDS, 0);
    return {
      name: target.name,
      tokensPerSecond: median(runs.map((run) => run.tokensPerSecond)),
      p50: median(runs.map((run) => run.p50)),
      p99: median(runs.map((run) => run.p99)),
      failed: runs.reduce((sum, run) => sum + run.failed, 0),
      postgresCpuPerToken: (runs.reduce((sum, run) => sum + run.postgresCpuMs, 0) * 1000) / tokens,
      serverCpuPerToken: (runs.reduce((sum, run) => sum + run.serverCpuMs, 0) * 1000) / tokens,
    };
  });
  console.log(
    `\nTwilio token issuance on Node ${process.versions.node}, ${CONNECTIONS} connections, medians of ${ROUNDS} interleaved rounds of ${SECONDS} s\n`,
  );
  console.log(
    `${'target'.padEnd(42)} ${'tokens/s'.padStart(9)} ${'p50'.padStart(8)} ${'p99'.padStart(8)} ${'failed'.padStart(7)} ${'CPU/token'.padStart(10)} ${'PG CPU/token'.padStart(13)}`,
  );
  for (const row of summary) {
    console.log(
      `${row.name.padEnd(42)} ${row.tokensPerSecond.toFixed(0).padStart(9)} ${`${row.p50} ms`.padStart(8)} ${`${row.p99} ms`.padStart(8)} ${String(row.failed).padStart(7)} ${`${row.serverCpuPerToken.toFixed(0)} µs`.padStart(10)} ${`${row.postgresCpuPerToken.toFixed(1)} µs`.padStart(13)}`,
    );
  }
  const rate = (name: string) => summary.find((row) => row.name === name)?.tokensPerSecond ?? NaN;
  console.log('');
  for (const [numerator, denominator] of RATIOS)
    console.log(`${numerator} / ${denominator}: ${(rate(numerator) / rate(denominator)).toFixed(2)}x`);
  for (const other of summary.filter((row) => row.name.startsWith(`${TARGETS.tenantRoute}, `) && row.name !== TARGETS.tenantRouteNoRollups))
    console.log(`${other.name} / Twilio: ${(other.tokensPerSecond / rate(TARGETS.tenantRoute)).toFixed(2)}x`);
  const refused = summary.filter((row) => row.failed > 0).map((row) => row.name);
  if (refused.length) console.log(`\nNOT VALID: answers other than 2xx from ${refused.join(', ')}; their figures measure refusals`);
  const verdict = auditRows >= callpassAnswers ? 'every 201 has its row' : 'MISSING ROWS';
  console.log(`\nCallpass audit rows: ${auditRows} for ${callpassAnswers} answers with 201 (warm-ups included): ${verdict}`);
}

/** The process's peak resident memory (VmHWM), for sizing replicas. */
function peakMemoryMb(pid: number): string {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return (Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024).toFixed(0);
}

/** CPU time of each PostgreSQL process on this machine so far, in clock ticks (utime + stime from /proc), by pid. */
function postgresCpuTicks(): Map<string, number> {
  const ticks = new Map<string, number>();
  for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(pid, Number(fields[11]) + Number(fields[12]));
    } catch {
      // the process ended while being read
    }
  }
  return ticks;
}

/** PostgreSQL's CPU between two readings: processes that ended in between are lost, new ones count from zero. */
function postgresCpuMsSince(before: Map<string, number>): number {
  let ticks = 0;
  for (const [pid, now] of postgresCpuTicks()) ticks += now - (before.get(pid) ?? 0);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/**
 * Three clients, each from its own address, sending junk bearer tokens (garbage, a forged kid, an expired token) at
 * the tenant's browser route while another tenant mints on /v1/tokens: that neighbour's figures against its own,
 * measured just before; how the junk was answered; and Callpass's CPU per junk request from one more such client.
 */
async function flood(browserRoute: string, neighbour: Target, servicePid: number, idp: BenchIdentityProvider): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const forger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const claims = { iss: idp.issuer, aud: idp.audience, sub: 'mallory' };
  const forged = await new SignJWT({ ...claims, iat: now, exp: now + 600 })
    .setProtectedHeader({ alg: 'RS256', kid: 'forged' })
    .sign(forger);
  const expired = await new SignJWT({ ...claims, iat: now - 7200, exp: now - 3600 })
    .setProtectedHeader({ alg: 'RS256' })
    .sign(idp.privateKey);
  const junk = (token: string, client: string): Target => ({
    name: 'junk',
    url: browserRoute,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-forwarded-for': client },
    body: '{}',
  });
  const junkClients = [junk('garbage.garbage.garbage', '203.0.113.1'), junk(forged, '203.0.113.2'), junk(expired, '203.0.113.3')];
  const alone = await load(neighbour, SECONDS);
  const [during, ...junkAnswers] = await Promise.all([load(neighbour, SECONDS), ...junkClients.map((client) => load(client, SECONDS, 10))]);
  const sent = junkAnswers.reduce((sum, run) => sum + Object.values(run.answered).reduce((a, b) => a + b, 0), 0);
  const refused = junkAnswers.reduce((sum, run) => sum + (run.answered['429'] ?? 0), 0);
  const beforeTheLimit = junkAnswers.reduce((sum, run) => sum + (run.answered['401'] ?? 0), 0);
  const cpuBefore = processCpuMs(servicePid);
  const lone = await load(junk(forged, '203.0.113.4'), SECONDS, 10);
  const loneSent = Object.values(lone.answered).reduce((a, b) => a + b, 0);
  const cpuPerRequest = (processCpuMs(servicePid) - cpuBefore) / loneSent;
  return [
    `\nA flood of junk bearer tokens (3 clients, 10 connections each, ${SECONDS} s) at one tenant's browser route, while another tenant mints:`,
    `  neighbour alone:        ${alone.tokensPerSecond.toFixed(0)} tokens/s, p99 ${alone.p99} ms`,
    `  neighbour under flood:  ${during.tokensPerSecond.toFixed(0)} tokens/s, p99 ${during.p99} ms (${(during.p99 / alone.p99).toFixed(2)}x its p99 alone)`,
    `  junk requests: ${sent}; 401 before their clients' limit: ${beforeTheLimit}; 429 after it: ${refused} (${((100 * refused) / (sent - beforeTheLimit)).toFixed(2)}% of those past the limit)`,
    `  one more junk client alone: ${loneSent} requests, ${(((lone.answered['429'] ?? 0) * 100) / loneSent).toFixed(2)}% answered 429, Callpass CPU ${(cpuPerRequest * 1000).toFixed(0)} µs per request`,
  ].join('\n');
}

/** A process's CPU time so far (user + system), in ms. */
function processCpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

function benchAccount(): PeerMint {
  const { config, secrets } = providerKits.twilio.validCredentials();
  return { config, secrets, identity: 'bench_user' };
}

/** Microseconds per token: Callpass's signer against the official helper (which re-derives its key each call). */
function signingCost({ config, secrets, identity }: PeerMint): string {
  const perToken = (sign: () => string, n: number) => {
    for (let i = 0; i < 1000; i += 1) sign();
    const started = process.hrtime.bigint();
    for (let i = 0; i < n; i += 1) sign();
    return Number(process.hrtime.bigint() - started) / 1000 / n;
  };
  const ours = perToken(
    () =>
      accessToken({
        ...config,
        apiKeySecret: secrets.apiKeySecret,
        identity,
        ttlSeconds: 600,
        issuedAt: Math.floor(Date.now() / 1000),
        voice: { incoming: true, outgoingApplicationSid: config.outgoingApplicationSid },
      }),
    50_000,
  );
  const helper = perToken(() => {
    const token = new twilio.jwt.AccessToken(config.accountSid, config.apiKeySid, secrets.apiKeySecret, { identity, ttl: 600 });
    token.addGrant(new twilio.jwt.AccessToken.VoiceGrant({ incomingAllow: true, outgoingApplicationSid: config.outgoingApplicationSid }));
    return token.toJwt();
  }, 5_000);
  return `  callpass accessToken(): ${ours.toFixed(1)} µs\n  twilio-node AccessToken.toJwt(): ${helper.toFixed(1)} µs (${(helper / ours).toFixed(0)}x)`;
}

/** The tenant's identity provider: an RS256 key pair, and one user's JWT (valid for the whole run). */
interface BenchIdentityProvider {
  issuer: string;
  audience: string;
  publicKeyPem: string;
  privateKey: KeyObject;
  token: string;
}

async function benchIdentityProvider(user: string): Promise<BenchIdentityProvider> {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const issuer = 'https://idp.bench.example/';
  const audience = 'callpass-bench';
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(issuer)
    .setAudience(audience)
    .setSubject(user)
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(privateKey);
  return { issuer, audience, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKey, token };
}

async function seed(url: string, adminKey: string, { config, secrets, identity }: PeerMint, idp: BenchIdentityProvider) {
  const call = async (route: string, key: string, body: unknown, method = 'POST') => {
    const response = await fetch(`${url}${route}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${route}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { id: string; key: string; session: string };
  };
  // Limits far above what the run reaches: they are still counted on every request, as in production.
  const rateLimits = { userPerMinute: 100_000, keyPerMinute: 1_000_000, tenantPerMinute: 10_000_000 };
  const tenant = await call('/v1/admin/tenants', adminKey, { slug: 'bench', name: 'Bench', settings: { rateLimits } });
  const tenantKey = (await call(`/v1/admin/tenants/${tenant.id}/api-keys`, adminKey, { name: 'bench' })).key;
  const account = await call('/v1/provider-accounts', tenantKey, { provider: 'twilio', name: 'bench', config, secrets });
  const endpoint = await call('/v1/endpoints', tenantKey, {
    providerAccountId: account.id,
    userId: identity,
    capabilities: ['incoming', 'outgoing'],
  });
  const otherEndpoints = [];
  for (const kit of PROVIDER_KITS.filter((candidate) => candidate.signsLocally && candidate.name !== 'twilio')) {
    const other = await call('/v1/provider-accounts', tenantKey, {
      provider: kit.name,
      name: `bench-${kit.name}`,
      ...kit.validCredentials(),
    });
    const otherEndpoint = await call('/v1/endpoints', tenantKey, {
      providerAccountId: other.id,
      userId: `${kit.name}_${identity}`,
      identity,
      capabilities: ['incoming', 'outgoing'],
    });
    otherEndpoints.push({ title: kit.title, endpointId: otherEndpoint.id });
  }
  const { issuer, audience, publicKeyPem } = idp;
  await call(
    '/v1/end-user-auth',
    tenantKey,
    { issuers: [{ issuer, audience, publicKeyPem, algorithms: ['RS256'] }], sessions: true },
    'PUT',
  );
  // Its own user, so that the JWT's and the session's requests do not share the per-user limit.
  const sessionUser = `session_${identity}`;
  await call('/v1/endpoints', tenantKey, { providerAccountId: account.id, userId: sessionUser, capabilities: ['incoming', 'outgoing'] });
  const { session } = await call('/v1/sessions', tenantKey, { userId: sessionUser, ttlSeconds: 24 * 3600 });
  const neighbourTenant = await call('/v1/admin/tenants', adminKey, { slug: 'neighbour', name: 'Neighbour', settings: { rateLimits } });
  const neighbourKey = (await call(`/v1/admin/tenants/${neighbourTenant.id}/api-keys`, adminKey, { name: 'neighbour' })).key;
  const neighbourAccount = await call('/v1/provider-accounts', neighbourKey, { provider: 'twilio', name: 'neighbour', config, secrets });
  const neighbourEndpoint = await call('/v1/endpoints', neighbourKey, { providerAccountId: neighbourAccount.id, userId: identity });
  const neighbour = { key: neighbourKey, endpointId: neighbourEndpoint.id };
  return { tenantKey, endpointId: endpoint.id, otherEndpoints, session, neighbour };
}

async function preparePeers(databaseUrl: string, peerKey: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(PEER_SCHEMA);
  await client.query('INSERT INTO peer_keys (hash, tenant_id) VALUES ($1, $2)', [hashApiKey(peerKey), randomUUID()]);
  await client.end();
}

async function countIssued(databaseUrl: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query<{ count: number }>(`SELECT count(*)::int AS count FROM token_issuances WHERE outcome = 'issued'`);
  await client.end();
  return rows[0].count;
}

function startPeer(name: string, port: number, env: Record<string, string>) {
  return start(process.execPath, ['-r', '@swc-node/register', `test/bench/peers/${name}.ts`], { ...env, PORT: String(port) });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
