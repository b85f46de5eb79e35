import { performance } from 'node:perf_hooks';
import { providerKits } from '../../src/providers/provider-kits';
import { Emulators, startEmulators } from '../../src/sandbox/emulators';
import { issuedRows, seedTwilioEndpoint, startReplicaSet } from '../helpers/replica-set';
import { callJson } from '../helpers/server-process';
import { describeWith } from '../helpers/requirements';

type Outcome = { status: number } | { refused: string };

/** How soon after SIGTERM readiness must fail, and the drain end (well inside the 25 s grace period). */
const READINESS_BOUND_MS = 1000;
const DRAIN_BOUND_MS = 5000;

/** A request's fate: an HTTP answer, or never taken (refused or closed before any answer). */
async function attempt(call: () => ReturnType<typeof callJson>): Promise<Outcome> {
  try {
    return { status: (await call()).status };
  } catch (error) {
    return { refused: String((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message) };
  }
}

/**
 * SIGTERM drains a server process: readiness fails and the listener closes at once, requests in flight finish with
 * their audit rows committed, and the process exits 0 well inside the grace period. A second signal, or the end of
 * the grace period, ends it at once.
 */
describeWith(['postgresql'], 'graceful shutdown', () => {
  let emulators: Emulators;
  beforeAll(async () => {
    emulators = await startEmulators();
  });
  afterAll(() => emulators?.close());

  /** One replica with a Plivo endpoint, whose tokens need a call to the emulator (so they can be held in flight). */
  async function replicaWithPlivo(env: Record<string, string> = {}) {
    const replicas = await startReplicaSet(1, { env: { ALLOW_PRIVATE_NETWORK_URLS: 'true', ...env } });
    const [url] = replicas.urls;
    const t = await seedTwilioEndpoint(url, replicas.adminKey, 'drain');
    const plivo = await callJson(url, 'POST', '/v1/provider-accounts', t.key, {
      name: 'plivo',
      ...providerKits.plivo.emulatedAccount(emulators.plivo),
    });
    const endpoint = await callJson(url, 'POST', '/v1/endpoints', t.key, {
      providerAccountId: plivo.body.id,
      userId: 'held',
      provision: true,
      capabilities: ['incoming', 'outgoing'],
    });
    if (plivo.status !== 201 || endpoint.status !== 201) throw new Error(`setup failed: ${JSON.stringify([plivo.body, endpoint.body])}`);
    return { replicas, url, t, plivoEndpointId: endpoint.body.id };
  }

  it('under load: requests in flight finish with their rows, nothing taken gets a 5xx, and the process exits 0', async () => {
    const { replicas, url, t, plivoEndpointId } = await replicaWithPlivo();
    const [server] = replicas.servers;
    try {
      const before = await issuedRows(replicas, t.tenantId);
      const held = emulators.plivo.hold(5);
      const inFlight = Array.from({ length: 5 }, () =>
        attempt(() => callJson(url, 'POST', '/v1/tokens', t.key, { endpointId: plivoEndpointId })),
      );
      // Load on the side: Twilio tokens from 10 workers, until the listener refuses them (at most 500 each).
      let stopLoad = false;
      let answeredSoFar = 0;
      let loadRunning!: () => void;
      const warmedUp = new Promise<void>((resolve) => (loadRunning = resolve));
      const load = Array.from({ length: 10 }, async () => {
        const outcomes: Outcome[] = [];
        while (!stopLoad && outcomes.length < 500) {
          const outcome = await attempt(() => callJson(url, 'POST', '/v1/tokens', t.key, { endpointId: t.endpointId }));
          outcomes.push(outcome);
          if ((answeredSoFar += 1) === 200) loadRunning();
          if ('refused' in outcome) break;
        }
        return outcomes;
      });
      await Promise.all([held.arrived(), warmedUp]);

      const signalled = performance.now();
      server.signal('SIGTERM');
      // The signal arrives when it arrives: readiness is asked until it fails, which must be at once.
      let ready: Outcome = { status: 200 };
      while ('status' in ready && ready.status === 200 && performance.now() - signalled < READINESS_BOUND_MS) {
        ready = await attempt(() => callJson(url, 'GET', '/health/ready', ''));
      }
      const notReadyMs = performance.now() - signalled;
      expect(ready).not.toEqual({ status: 200 });
      expect(notReadyMs).toBeLessThan(READINESS_BOUND_MS);
      held.release();
      const held5 = await Promise.all(inFlight);
      const ended = await server.exited;
      const drainedMs = performance.now() - signalled;
      stopLoad = true;
      const loadOutcomes = (await Promise.all(load)).flat();

      const answered = loadOutcomes.filter((outcome): outcome is { status: number } => 'status' in outcome);
      const refused = loadOutcomes.length - answered.length;
      console.log(
        `drain: not ready ${notReadyMs.toFixed(0)} ms after SIGTERM; ${held5.length} held requests; ${loadOutcomes.length} under load (${answered.length} answered, ${refused} never taken); exit ${ended.code} after ${drainedMs.toFixed(0)} ms`,
      );
      expect(held5).toEqual(Array(5).fill({ status: 201 }));
      expect(answered.every((outcome) => outcome.status === 201)).toBe(true);
      expect(ended).toEqual({ code: 0, signal: null });
      expect(drainedMs).toBeLessThan(DRAIN_BOUND_MS);
      // Every 201 has its committed row.
      expect(await issuedRows(replicas, t.tenantId)).toBe(before + 5 + answered.length);
      expect(server.output.join('\n')).toContain('Drained; exiting');
    } finally {
      await replicas.stop();
    }
  }, 90_000);

  it('a second signal exits at once, and so does the end of the grace period', async () => {
    // A grace period far longer than the test: only the second signal can end the process in time.
    const { replicas, url, t, plivoEndpointId } = await replicaWithPlivo({ SHUTDOWN_GRACE_SECONDS: '600' });
    const [server] = replicas.servers;
    const held = emulators.plivo.hold(1);
    try {
      const stuck = attempt(() => callJson(url, 'POST', '/v1/tokens', t.key, { endpointId: plivoEndpointId }));
      await held.arrived();
      server.signal('SIGTERM');
      await server.printed(/Draining/);
      server.signal('SIGTERM');
      expect(await server.exited).toEqual({ code: 1, signal: null });
      expect(await server.printed(/Second signal/)).toBeTruthy();
      expect(await stuck).toEqual({ refused: expect.any(String) });
    } finally {
      held.release();
      await replicas.stop();
    }

    const second = await replicaWithPlivo({ SHUTDOWN_GRACE_SECONDS: '1' });
    const late = emulators.plivo.hold(1);
    try {
      const stuck = attempt(() => callJson(second.url, 'POST', '/v1/tokens', second.t.key, { endpointId: second.plivoEndpointId }));
      await late.arrived();
      second.replicas.servers[0].signal('SIGTERM');
      expect(await second.replicas.servers[0].exited).toEqual({ code: 1, signal: null });
      expect(second.replicas.servers[0].output.join('\n')).toContain('grace period ended');
      expect(await stuck).toEqual({ refused: expect.any(String) });
    } finally {
      late.release();
      await second.replicas.stop();
    }
  }, 90_000);
});
