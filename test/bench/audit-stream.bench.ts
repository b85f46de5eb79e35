import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { verifyExport } from '../../src/audit-streaming/export-verifier';
import { StreamEvent, StreamItem } from '../../src/audit-streaming/stream-events';
import { generateApiKey } from '../../src/crypto/api-key-codec';
import { formatKeyEntry } from '../../src/crypto/keyring';
import { providerKits } from '../../src/providers/provider-kits';
import { CONNECTIONS, freePort, freshDatabase, load, ready, ROUNDS, SECONDS, start, Target } from './bench-kit';

/**
 * `BENCH_ONLY=stream npm run bench` (and part of `npm run bench`): minting on `POST /v1/tokens` with no audit sink and
 * with three webhook sinks receiving both logs (rounds interleaved, medians), then the delivery lag (token written →
 * batch received) at a paced ~2,000 tokens/s, and what the three receivers got: every event once, in chain order, a
 * stream verify-export proves complete. Callpass runs built, outside production mode (its sinks are on loopback,
 * which production refuses), with the default AUDIT_STREAM_POLL_MS. Each round also measures minting beside a busy loop
 * at the lowest priority: what any work on the same cores costs here. BENCH_CPU_PROFILE profiles the service, as in
 * token-issuance.bench.ts.
 */
const DATABASE = 'callpass_bench_stream';
const PACED_RATE = 2000;
const SINKS = 3;
/** Events per delivery: BENCH_BATCH_EVENTS, else the service's default. */
const BATCH_EVENTS = process.env.BENCH_BATCH_EVENTS ? Number(process.env.BENCH_BATCH_EVENTS) : undefined;

/** A webhook receiver that keeps, per event id, when it first arrived. */
class Receiver {
  readonly firstArrival = new Map<string, { at: number; event: StreamEvent }>();
  readonly lines: string[] = [];
  repeats = 0;
  outOfOrder = 0;
  private readonly lastSeq = new Map<string, bigint>();
  private secret = '';
  private readonly early: { at: number; body: string; headers: Record<string, string> }[] = [];
  private server?: http.Server;

  setSecret(secret: string): void {
    this.secret = secret;
    for (const received of this.early.splice(0)) this.verify(received);
  }

  private verify({ at, body, headers }: { at: number; body: string; headers: Record<string, string> }): void {
    const message = new Webhook(this.secret).verify(body, headers) as { type: string; data: { items?: StreamItem[] } };
    if (message.type === 'callpass.audit.batch') this.take(at, message.data.items ?? [], body);
  }

  async listen(): Promise<string> {
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const received = {
          at: Date.now(),
          body: Buffer.concat(chunks).toString('utf8'),
          headers: request.headers as Record<string, string>,
        };
        // What comes before its secret is known here (the test message, its own creation event) is checked once it is.
        if (this.secret) this.verify(received);
        else this.early.push(received);
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  private take(at: number, items: StreamItem[], body: string): void {
    this.lines.push(body);
    for (const item of items) {
      if (item.type !== 'event') continue;
      if (this.firstArrival.has(item.id)) {
        this.repeats += 1;
        continue;
      }
      const chain = `${item.log} ${item.tenantId}`;
      if ((this.lastSeq.get(chain) ?? -1n) > BigInt(item.seq)) this.outOfOrder += 1;
      this.lastSeq.set(chain, BigInt(item.seq));
      this.firstArrival.set(item.id, { at, event: item });
    }
  }

  close(): void {
    this.server?.closeAllConnections();
    this.server?.close();
  }
}

async function main() {
  const databaseUrl = await freshDatabase(DATABASE);
  const adminKey = generateApiKey('admin').key;
  const port = await freePort();
  const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  const service = start(process.execPath, [...profile, 'dist/main.js'], {
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    ENCRYPTION_KEYS: formatKeyEntry('bench', randomBytes(32)),
    BOOTSTRAP_ADMIN_KEY: adminKey,
    ALLOW_PRIVATE_NETWORK_URLS: 'true',
    CLIENT_REQUESTS_PER_MINUTE: '100000000',
    LOG_FORMAT: 'json',
  });
  const receivers: Receiver[] = [];
  try {
    const url = `http://127.0.0.1:${port}`;
    await ready(`${url}/health/ready`);
    const { tenantKey, endpointId } = await seed(url, adminKey);
    const call = (route: string, method: string, body?: unknown) =>
      fetch(`${url}${route}`, {
        method,
        headers: { authorization: `Bearer ${tenantKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then(async (response) => {
        if (response.status >= 300) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
        return response.status === 204 ? undefined : ((await response.json()) as Record<string, unknown>);
      });
    const mint: Target = {
      name: 'POST /v1/tokens',
      url: `${url}/v1/tokens`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tenantKey}` },
      body: JSON.stringify({ endpointId }),
    };
    const attachSinks = async () => {
      const attached: { id: string; receiver: Receiver }[] = [];
      for (let index = 0; index < SINKS; index += 1) {
        const receiver = new Receiver();
        receivers.push(receiver);
        const sinkUrl = await receiver.listen();
        const sink = await call('/v1/audit-sinks', 'POST', {
          name: `sink-${receivers.length}`,
          kind: 'webhook',
          url: sinkUrl,
          maxBatchEvents: BATCH_EVENTS,
        });
        receiver.setSecret(sink!.secret as string);
        attached.push({ id: sink!.id as string, receiver });
      }
      return attached;
    };
    /** Until every sink has delivered all it has, bounded. */
    const caughtUp = async (sinks: { id: string }[]) => {
      for (let attempt = 0; attempt < 1200; attempt += 1) {
        const states = await Promise.all(sinks.map((sink) => call(`/v1/audit-sinks/${sink.id}`, 'GET')));
        const delivery = states.map((state) => state!.delivery as { backlog: string }[] | undefined);
        const failed = states.find((state) => !state?.delivery);
        if (failed) throw new Error(`reading a sink failed: ${JSON.stringify(failed)}`);
        if (delivery.every((logs) => logs!.every((log) => log.backlog === '0'))) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error('the sinks did not catch up in 2 minutes');
    };

    const without: number[] = [];
    const besideBusyLoop: number[] = [];
    const withSinks: number[] = [];
    const p99 = { without: [] as number[], with: [] as number[] };
    for (let round = 1; round <= ROUNDS; round += 1) {
      await load(mint, 2);
      const alone = await load(mint, SECONDS);
      without.push(alone.tokensPerSecond);
      p99.without.push(alone.p99);
      // What any work beside the service costs it on this machine, even at the lowest priority: the sinks' floor.
      const busyLoop = start('nice', ['-n', '19', process.execPath, '-e', 'for (;;);'], {});
      try {
        besideBusyLoop.push((await load(mint, SECONDS)).tokensPerSecond);
      } finally {
        busyLoop.kill();
      }
      const sinks = await attachSinks();
      await load(mint, 2);
      const streamed = await load(mint, SECONDS);
      withSinks.push(streamed.tokensPerSecond);
      p99.with.push(streamed.p99);
      console.error(
        `round ${round}: without sinks ${alone.tokensPerSecond.toFixed(0)}/s, beside a busy loop ${besideBusyLoop[round - 1].toFixed(0)}/s, ` +
          `with ${SINKS} sinks ${streamed.tokensPerSecond.toFixed(0)}/s`,
      );
      await caughtUp(sinks);
      for (const sink of sinks) await call(`/v1/audit-sinks/${sink.id}`, 'DELETE');
      const left = await call('/v1/audit-sinks', 'GET');
      if ((left!.data as unknown[]).length > 0) throw new Error(`sinks left after deleting them: ${JSON.stringify(left)}`);
    }

    const sinks = await attachSinks();
    const paced = await load(mint, SECONDS, CONNECTIONS, PACED_RATE);
    await caughtUp(sinks);
    const keys = (await fetch(`${url}/v1/audit-stream/keys`).then((response) => response.json())) as never;
    const lags: number[] = [];
    const checks: string[] = [];
    for (const { receiver } of sinks) {
      const tokens = [...receiver.firstArrival.values()].filter(({ event }) => event.log === 'token_issuances');
      for (const { at, event } of tokens) lags.push(at - new Date(event.content!.issued_at as string).getTime());
      const verification = await verifyExport(receiver.lines, keys);
      checks.push(
        `${tokens.length} token events, ${receiver.firstArrival.size - tokens.length} audit events, ${receiver.repeats} repeats, ` +
          `${receiver.outOfOrder} out of order, verify-export ${verification.intact ? 'intact' : `BROKEN ${JSON.stringify(verification.chains.map((chain) => chain.problem))}`}`,
      );
    }
    lags.sort((a, b) => a - b);
    const at = (share: number) => lags[Math.min(lags.length - 1, Math.floor(share * lags.length))];
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    console.log(
      `\nAudit streaming on Node ${process.versions.node}, POST /v1/tokens, ${CONNECTIONS} connections, medians of ${ROUNDS} interleaved rounds of ${SECONDS} s\n`,
    );
    console.log(`  no sink:               ${median(without).toFixed(0)} tokens/s, p99 ${median(p99.without)} ms`);
    console.log(
      `  no sink, a busy loop:  ${median(besideBusyLoop).toFixed(0)} tokens/s (${(median(besideBusyLoop) / median(without)).toFixed(3)}x; ` +
        'a process at nice 19 spinning beside the service)',
    );
    console.log(
      `  three webhook sinks:   ${median(withSinks).toFixed(0)} tokens/s, p99 ${median(p99.with)} ms (${(median(withSinks) / median(without)).toFixed(3)}x)`,
    );
    console.log(
      `\nDelivery lag, token written → batch received, at ${PACED_RATE} tokens/s offered (${paced.tokensPerSecond.toFixed(0)}/s served, ${paced.failed} failed), three sinks:`,
    );
    console.log(`  p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${lags[lags.length - 1]} ms over ${lags.length} deliveries`);
    for (const [index, check] of checks.entries()) console.log(`  receiver ${index + 1}: ${check}`);
  } finally {
    for (const receiver of receivers) receiver.close();
    service.kill('SIGTERM');
  }
}

async function seed(url: string, adminKey: string): Promise<{ tenantKey: string; endpointId: string }> {
  const call = async (route: string, key: string, body: unknown) => {
    const response = await fetch(`${url}${route}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${route}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { id: string; key: string };
  };
  const rateLimits = { userPerMinute: 100_000, keyPerMinute: 1_000_000, tenantPerMinute: 10_000_000 };
  const tenant = await call('/v1/admin/tenants', adminKey, { slug: 'stream', name: 'Stream', settings: { rateLimits } });
  const tenantKey = (await call(`/v1/admin/tenants/${tenant.id}/api-keys`, adminKey, { name: 'bench' })).key;
  const account = await call('/v1/provider-accounts', tenantKey, {
    provider: 'twilio',
    name: 'bench',
    ...providerKits.twilio.validCredentials(),
  });
  const endpoint = await call('/v1/endpoints', tenantKey, {
    providerAccountId: account.id,
    userId: 'bench_user',
    capabilities: ['incoming', 'outgoing'],
  });
  return { tenantKey, endpointId: endpoint.id };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
