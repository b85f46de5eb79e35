import { performance } from 'node:perf_hooks';
import { providerKits } from '../../src/providers/provider-kits';
import { Fault } from '../../src/providers/emulator/emulator-server';
import { Emulators, startEmulators } from '../../src/sandbox/emulators';
import { ReplicaSet, seedTwilioEndpoint, startReplicaSet } from '../helpers/replica-set';
import { callJson } from '../helpers/server-process';
import { closedPort } from '../helpers/tcp-proxy';
import { describeWith } from '../helpers/requirements';

/** Load: this many callers at once, each sending its requests one after another. */
const CALLERS = 8;
const REQUESTS_PER_CALLER = 5;
const REQUESTS = CALLERS * REQUESTS_PER_CALLER;
/**
 * Each attempt's timeout here (PROVIDER_TIMEOUT_MS): short, so a hanging provider is quick to test, yet long enough
 * that a loaded 2-core machine answers the other faults in time (at 500 ms, garbage was sometimes a timeout).
 */
const PROVIDER_TIMEOUT_MS = 2000;

interface Mode {
  name: string;
  /** What the emulator does to every call, or `down`: the account points at a port nothing listens on. */
  fault: Fault | 'down';
  /** The codes (and reasons) callers may get. */
  expected: string[];
  /** Whether the circuit must have cut calls short (the provider is out, not merely refusing). */
  breakerCuts: boolean;
}

const MODES: Mode[] = [
  { name: 'answering 500', fault: { kind: 'status', status: 500 }, expected: ['provider_unavailable'], breakerCuts: true },
  {
    name: 'answering 429 (Retry-After 1 s)',
    fault: { kind: 'rate_limit', retryAfterSeconds: 1 },
    expected: ['provider_unavailable'],
    breakerCuts: false,
  },
  { name: 'answering garbage', fault: { kind: 'garbage' }, expected: ['provider_bad_response'], breakerCuts: false },
  { name: 'hanging (slow)', fault: { kind: 'hang' }, expected: ['provider_unavailable'], breakerCuts: true },
  { name: 'down (connection refused)', fault: 'down', expected: ['provider_unavailable'], breakerCuts: true },
];

/**
 * A provider failing under load, one way at a time, against a server process on a real clock: callers get the
 * provider's codes (never a 500), retries stay bounded, the circuit breaker turns a dead provider into fast answers,
 * and Twilio tokens (signed locally) keep coming throughout.
 */
describeWith(['postgresql'], 'provider faults under load', () => {
  let emulators: Emulators;
  let replicas: ReplicaSet;
  let url: string;
  let tenant: Awaited<ReturnType<typeof seedTwilioEndpoint>>;
  let metricsKey: string;

  beforeAll(async () => {
    emulators = await startEmulators();
    replicas = await startReplicaSet(1, {
      env: { ALLOW_PRIVATE_NETWORK_URLS: 'true', PROVIDER_TIMEOUT_MS: String(PROVIDER_TIMEOUT_MS) },
    });
    [url] = replicas.urls;
    tenant = await seedTwilioEndpoint(url, replicas.adminKey, 'provider-faults');
    metricsKey = (await callJson(url, 'POST', '/v1/admin/service-keys', replicas.adminKey, { name: 'm', scopes: ['metrics:read'] })).body
      .key;
  }, 60_000);
  afterAll(async () => {
    await replicas?.stop();
    await emulators?.close();
  });

  const retries = async () => {
    const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${metricsKey}` } })).text();
    const line = text.split('\n').find((candidate) => candidate.startsWith('callpass_upstream_retries_total{provider="plivo"}'));
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  };

  it.each(MODES)('a provider $name', async (mode) => {
    const down = mode.fault === 'down';
    const account = providerKits.plivo.emulatedAccount(emulators.plivo);
    const accountRow = await callJson(url, 'POST', '/v1/provider-accounts', tenant.key, {
      ...account,
      ...(down ? { baseUrl: `http://127.0.0.1:${await closedPort()}` } : {}),
      name: `plivo-${mode.name}`,
    });
    const endpoint = await callJson(url, 'POST', '/v1/endpoints', tenant.key, {
      providerAccountId: accountRow.body.id,
      userId: `faulty-${MODES.indexOf(mode)}`,
      identity: `faulty${MODES.indexOf(mode)}`,
      provision: !down,
      capabilities: ['incoming', 'outgoing'],
    });
    expect(endpoint.status).toBe(201);
    if (mode.fault !== 'down') emulators.plivo.failNext(10 * REQUESTS, mode.fault);
    const callsBefore = emulators.plivo.receivedCount;
    const retriesBefore = await retries();
    try {
      const timedIssue = async (endpointId: string) => {
        const started = performance.now();
        const answer = await callJson(url, 'POST', '/v1/tokens', tenant.key, { endpointId });
        return { answer, ms: performance.now() - started };
      };
      const callers = async (endpointId: string) =>
        (
          await Promise.all(
            Array.from({ length: CALLERS }, async () => {
              const answers = [];
              for (let sent = 0; sent < REQUESTS_PER_CALLER; sent += 1) answers.push(await timedIssue(endpointId));
              return answers;
            }),
          )
        ).flat();
      const [failing, twilio] = await Promise.all([callers(endpoint.body.id), callers(tenant.endpointId)]);
      const upstream = emulators.plivo.receivedCount - callsBefore;
      const retried = (await retries()) - retriesBefore;
      const codes: Record<string, number> = {};
      for (const { answer } of failing) {
        const reason = answer.body.error?.details.reason as string | undefined;
        const key = `${answer.status} ${answer.body.error?.code}${reason ? `/${reason}` : ''}`;
        codes[key] = (codes[key] ?? 0) + 1;
      }
      const slowest = Math.max(...failing.map((call) => call.ms));
      console.log(
        `provider ${mode.name}: ${REQUESTS} requests -> ${JSON.stringify(codes)}; ${down ? 'n/a' : upstream} upstream calls, ${(retried / REQUESTS).toFixed(2)} retries per request, slowest ${slowest.toFixed(0)} ms; Twilio meanwhile: ${twilio.filter(({ answer }) => answer.status === 201).length}/${REQUESTS} issued`,
      );
      for (const { answer } of failing) {
        expect(answer.status).toBeGreaterThanOrEqual(500);
        expect(mode.expected).toContain(answer.body.error?.code);
      }
      expect(twilio.every(({ answer }) => answer.status === 201)).toBe(true);
      // At most 3 attempts per request, whatever the fault.
      expect(retried).toBeLessThanOrEqual(2 * REQUESTS);
      if (mode.breakerCuts) {
        expect(failing.some(({ answer }) => answer.body.error?.details.reason === 'circuit_open')).toBe(true);
        if (!down) expect(upstream).toBeLessThan(REQUESTS);
      }
    } finally {
      emulators.plivo.clearFaults();
    }
  });
});
