import { randomBytes } from 'node:crypto';
import { providerKits } from '../../src/providers/provider-kits';
import { formatKeyEntry } from '../../src/crypto/keyring';
import { Emulators, startEmulators } from '../../src/sandbox/emulators';
import { ReplicaSet, seedTwilioEndpoint, startReplicaSet } from '../helpers/replica-set';
import { RoundRobinProxy, startRoundRobinProxy } from '../helpers/round-robin-proxy';
import { callJson } from '../helpers/server-process';
import { describeWith } from '../helpers/requirements';

/**
 * The encryption key rotated as docs/operations.md says, on two replicas behind a load balancer while tokens are issued
 * (Twilio, signed with a decrypted secret; SignalWire, whose kept refresh tokens are encrypted too): a rolling
 * restart adds the new key as primary, the re-wrap moves every secret to it, a second rolling restart removes the
 * old key. Not one request fails.
 */
describeWith(['postgresql'], 'encryption key rotation under load', () => {
  let emulators: Emulators;
  let replicas: ReplicaSet;
  let balancer: RoundRobinProxy;
  const oldKey = formatKeyEntry('k-old', randomBytes(32));

  beforeAll(async () => {
    emulators = await startEmulators();
    replicas = await startReplicaSet(2, { env: { ENCRYPTION_KEYS: oldKey, ALLOW_PRIVATE_NETWORK_URLS: 'true' } });
    balancer = await startRoundRobinProxy(replicas.urls);
  }, 60_000);
  afterAll(async () => {
    await balancer?.close();
    await replicas?.stop();
    await emulators?.close();
  });

  /**
   * As a load balancer does on a failing readiness probe: no new requests to the replica, then, once those it was sent
   * are answered, it restarts.
   */
  async function rollingRestart(index: number, env: Record<string, string>) {
    balancer.setBackends(replicas.urls.filter((_, other) => other !== index));
    await balancer.drained(replicas.urls[index]);
    const stopped = await replicas.restart(index, env);
    expect(stopped).toEqual({ code: 0, signal: null });
    balancer.setBackends(replicas.urls);
  }

  it('adds a primary key, re-wraps and retires the old one with zero failed requests', async () => {
    const tenant = await seedTwilioEndpoint(balancer.url, replicas.adminKey, 'rotation');
    const { addresses, ...signalwire } = providerKits.signalwire.emulatedAccount(emulators.signalwire);
    const account = await callJson(balancer.url, 'POST', '/v1/provider-accounts', tenant.key, { ...signalwire, name: 'sw' });
    const endpoint = await callJson(balancer.url, 'POST', '/v1/endpoints', tenant.key, {
      providerAccountId: account.body.id,
      userId: 'rotating',
      identity: 'rotating@example.com',
      capabilities: ['incoming', 'outgoing'],
      providerOptions: { allowedAddresses: addresses.slice(0, 1) },
    });
    expect(endpoint.status).toBe(201);

    let running = true;
    const statuses: Record<string, number> = {};
    const load = Array.from({ length: 6 }, async (_, caller) => {
      while (running) {
        const endpointId = caller % 2 ? endpoint.body.id : tenant.endpointId;
        const answer = await callJson(balancer.url, 'POST', '/v1/tokens', tenant.key, { endpointId }).catch((error: Error) => ({
          status: `error ${error.message}`,
        }));
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      }
    });

    const newEntry = formatKeyEntry('k-new', randomBytes(32));
    // 1. Every replica learns the new key, as primary, one after the other.
    for (const index of [0, 1]) await rollingRestart(index, { ENCRYPTION_KEYS: `${newEntry},${oldKey}` });
    // 2. Every secret is moved to it, while tokens are issued.
    const report = await callJson(balancer.url, 'POST', '/v1/admin/encryption-keys/rewrap', replicas.adminKey);
    // 3. The old key goes, one replica after the other.
    for (const index of [0, 1]) await rollingRestart(index, { ENCRYPTION_KEYS: newEntry });
    const after = await callJson(balancer.url, 'POST', '/v1/tokens', tenant.key, { endpointId: endpoint.body.id });
    running = false;
    await Promise.all(load);

    console.log(`key rotation under load: ${JSON.stringify(statuses)}; re-wrap ${JSON.stringify(report.body)}`);
    expect(report.body).toMatchObject({ primaryKeyId: 'k-new', failed: 0, remaining: 0 });
    expect(Object.keys(statuses)).toEqual(['201']);
    expect(statuses[201]).toBeGreaterThan(50);
    expect(after.status).toBe(201);
    // The balancer's own idle allowance, not a replica's 72 s, which had a client reuse connections the balancer closed.
    expect(after.headers.get('keep-alive')).toBe('timeout=5');
  }, 120_000);
});
