import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import autocannon from 'autocannon';
import { Client } from 'pg';
import twilio from 'twilio';
import { accessToken } from '../../src/providers/twilio/twilio-tokens';
import { generateApiKey } from '../../src/crypto/api-key-codec';
import { formatKeyEntry } from '../../src/crypto/keyring';

/**
 * `npm run bench`: Twilio token issuance through the real service (built, on PostgreSQL, 50 connections) against a
 * no-auth, no-audit route signing the same token on the same stack, in the same run. Prints tokens/s, p50/p99 and
 * their ratio, and checks that every 201 the service answered has its audit row.
 *   BENCH_DATABASE_URL  PostgreSQL server (default postgresql://postgres@127.0.0.1:5432/postgres)
 *   BENCH_SECONDS       measured seconds per target (default 15), after a 3 s warm-up
 *   BENCH_CPU_PROFILE   a folder: writes a V8 CPU profile of the service there (open it in Chrome DevTools)
 */
const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = 50;
const DATABASE = 'callpass_bench';

async function main() {
  const databaseUrl = await freshDatabase();
  const adminKey = generateApiKey('admin').key;
  const hex = (n: number) => randomBytes(n).toString('hex').slice(0, n);
  const config = { accountSid: `AC${hex(32)}`, apiKeySid: `SK${hex(32)}`, outgoingApplicationSid: `AP${hex(32)}` };
  const secrets = {
    apiKeySecret: randomBytes(24)
      .toString('base64')
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 32)
      .padEnd(32, 'x'),
  };

  const servicePort = await freePort();
  const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  const service = start(process.execPath, [...profile, 'dist/main.js'], {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    PORT: String(servicePort),
    LOG_LEVEL: 'warn',
    ENCRYPTION_KEYS: formatKeyEntry('bench', randomBytes(32)),
    BOOTSTRAP_ADMIN_KEY: adminKey,
  });
  const baselinePort = await freePort();
  const baseline = start(process.execPath, ['-r', '@swc-node/register', 'test/bench/baseline-server.ts'], {
    PORT: String(baselinePort),
    BASELINE_MINT: JSON.stringify({ config, secrets, identity: 'bench_user' }),
  });
  try {
    const serviceUrl = `http://127.0.0.1:${servicePort}`;
    await ready(`${serviceUrl}/health/ready`);
    await ready(`http://127.0.0.1:${baselinePort}/health/live`, 404);
    const { tenantKey, endpointId } = await seed(serviceUrl, adminKey, config, secrets);
    const body = JSON.stringify({ endpointId });

    const issued = await load(`${serviceUrl}/v1/tokens`, body, { authorization: `Bearer ${tenantKey}` });
    const signed = await load(`http://127.0.0.1:${baselinePort}/sign`, body, {});
    const auditRows = await countIssued(databaseUrl);

    const row = (name: string, result: autocannon.Result) =>
      `${name.padEnd(44)} ${result.requests.average.toFixed(0).padStart(8)} ${String(result.latency.p50).padStart(7)} ms ${String(result.latency.p99).padStart(7)} ms ${String(result.non2xx + result.errors).padStart(7)}`;
    console.log(`\nTwilio token issuance, ${CONNECTIONS} connections, ${SECONDS} s each (after a 3 s warm-up)\n`);
    console.log(`${'target'.padEnd(44)} ${'tokens/s'.padStart(8)} ${'p50'.padStart(10)} ${'p99'.padStart(10)} ${'errors'.padStart(7)}`);
    console.log(row('POST /v1/tokens (auth, policy, audit, PG)', issued));
    console.log(row('baseline: same signing, no auth, no audit', signed));
    console.log(`\nratio (service / baseline): ${(issued.requests.average / signed.requests.average).toFixed(3)}`);
    console.log(
      `audit rows for the service run: ${auditRows} (201 answers: ${issued['2xx']})${auditRows >= issued['2xx'] ? '' : '  MISSING ROWS'}`,
    );
    console.log(`\nsigning one access token, in process:\n${signingCost(config, secrets)}`);
  } finally {
    service.kill('SIGTERM');
    baseline.kill('SIGTERM');
  }
}

/** Microseconds per token: Callpass's signer against the official helper (which re-derives its key each call). */
function signingCost(
  config: { accountSid: string; apiKeySid: string; outgoingApplicationSid: string },
  secrets: { apiKeySecret: string },
): string {
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
        identity: 'bench_user',
        ttlSeconds: 600,
        issuedAt: Math.floor(Date.now() / 1000),
        voice: { incoming: true, outgoingApplicationSid: config.outgoingApplicationSid },
      }),
    50_000,
  );
  const helper = perToken(() => {
    const token = new twilio.jwt.AccessToken(config.accountSid, config.apiKeySid, secrets.apiKeySecret, {
      identity: 'bench_user',
      ttl: 600,
    });
    token.addGrant(new twilio.jwt.AccessToken.VoiceGrant({ incomingAllow: true, outgoingApplicationSid: config.outgoingApplicationSid }));
    return token.toJwt();
  }, 5_000);
  return `  callpass accessToken(): ${ours.toFixed(1)} µs\n  twilio-node AccessToken.toJwt(): ${helper.toFixed(1)} µs (${(helper / ours).toFixed(0)}x)`;
}

async function load(url: string, body: string, headers: Record<string, string>): Promise<autocannon.Result> {
  const options = {
    url,
    method: 'POST' as const,
    body,
    headers: { 'content-type': 'application/json', ...headers },
    connections: CONNECTIONS,
  };
  await autocannon({ ...options, duration: 3 });
  return autocannon({ ...options, duration: SECONDS });
}

async function seed(url: string, adminKey: string, config: object, secrets: object) {
  const call = async (route: string, key: string, body: unknown) => {
    const response = await fetch(`${url}${route}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${route}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { id: string; key: string };
  };
  const tenant = await call('/v1/admin/tenants', adminKey, { slug: 'bench', name: 'Bench' });
  const tenantKey = (await call(`/v1/admin/tenants/${tenant.id}/api-keys`, adminKey, { name: 'bench' })).key;
  const account = await call('/v1/provider-accounts', tenantKey, { provider: 'twilio', name: 'bench', config, secrets });
  const endpoint = await call('/v1/endpoints', tenantKey, {
    providerAccountId: account.id,
    userId: 'bench_user',
    capabilities: ['incoming', 'outgoing'],
  });
  return { tenantKey, endpointId: endpoint.id };
}

async function freshDatabase(): Promise<string> {
  const admin = new Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.end();
  const url = new URL(SERVER_URL);
  url.pathname = `/${DATABASE}`;
  return url.toString();
}

async function countIssued(databaseUrl: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query<{ count: number }>(`SELECT count(*)::int AS count FROM token_issuances WHERE outcome = 'issued'`);
  await client.end();
  return rows[0].count;
}

function start(command: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(command, args, { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
  child.once('exit', (code, signal) => {
    if (code && code !== 0) console.error(`${args.join(' ')} exited with ${code ?? signal}`);
  });
  return child;
}

/** Polls until the URL answers (the benchmark waits for its servers; tests never do this). */
async function ready(url: string, expectedStatus = 200): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const status = await fetch(url).then(
      (response) => response.status,
      () => 0,
    );
    if (status === expectedStatus) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not come up`);
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
