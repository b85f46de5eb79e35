import { ReplicaSet, seedTwilioEndpoint, startReplicaSet } from '../helpers/replica-set';
import { callJson } from '../helpers/server-process';
import { describeWith } from '../helpers/requirements';

/** How soon another replica must see a change it did not handle (its caches hear of it through the database). */
const OTHER_REPLICA_BOUND_MS = 1000;

/**
 * Two server processes on one PostgreSQL. Each keeps keys and issuance targets in memory: a change made through one
 * reaches the other's next requests within a second, long before the cache lifetime (60 s here) would. Both write
 * one tenant's audit chains at once, and the chains stay whole.
 */
describeWith(['postgresql'], 'two replicas', () => {
  let replicas: ReplicaSet;
  let first: string;
  let second: string;

  beforeAll(async () => {
    replicas = await startReplicaSet(2, { env: { CACHE_TTL_SECONDS: '60' } });
    [first, second] = replicas.urls;
  }, 60_000);
  afterAll(() => replicas?.stop());

  /** A tenant with a key and a Twilio endpoint, made through the first replica. */
  const tenantWithEndpoint = (slug: string) => seedTwilioEndpoint(first, replicas.adminKey, slug);

  /** Mints on the second replica until it answers `status`; how long that took after the change, in ms. */
  async function secondSees(key: string, endpointId: string, status: number, changedAt: number): Promise<number> {
    for (;;) {
      const answer = await callJson(second, 'POST', '/v1/tokens', key, { endpointId });
      const elapsed = Date.now() - changedAt;
      if (answer.status === status) return elapsed;
      if (elapsed > OTHER_REPLICA_BOUND_MS) throw new Error(`still ${answer.status} after ${elapsed} ms`);
    }
  }

  type Setup = Awaited<ReturnType<typeof tenantWithEndpoint>>;
  const changes: [string, number, (t: Setup) => ReturnType<typeof callJson>][] = [
    ['a revoked key', 401, (t) => callJson(first, 'DELETE', `/v1/admin/tenants/${t.tenantId}/api-keys/${t.keyId}`, replicas.adminKey)],
    [
      'a suspended tenant',
      403,
      (t) => callJson(first, 'PATCH', `/v1/admin/tenants/${t.tenantId}`, replicas.adminKey, { status: 'suspended' }),
    ],
    ['a disabled endpoint', 403, (t) => callJson(first, 'PATCH', `/v1/endpoints/${t.endpointId}`, t.key, { disabled: true })],
  ];
  it.each(changes)('%s: refused by the other replica within a second', async (name, status, change) => {
    const t = await tenantWithEndpoint(`replica-${changes.findIndex(([other]) => other === name)}`);
    // Warm the second replica: the key and the target are now in its memory.
    for (let warm = 0; warm < 3; warm += 1) {
      expect((await callJson(second, 'POST', '/v1/tokens', t.key, { endpointId: t.endpointId })).status).toBe(201);
    }
    const changed = await change(t);
    expect(changed.status).toBeLessThan(300);
    const elapsed = await secondSees(t.key, t.endpointId, status, Date.now());
    console.log(`${name}: refused by the other replica ${elapsed} ms after the change`);
    expect(elapsed).toBeLessThanOrEqual(OTHER_REPLICA_BOUND_MS);
  });

  it('a revoked service key, which belongs to no tenant: refused by the other replica within a second, though it had it in memory', async () => {
    const created = await callJson(first, 'POST', '/v1/admin/service-keys', replicas.adminKey, { name: 'replica', scopes: ['usage:read'] });
    const { id, key } = created.body as { id: string; key: string };
    const read = () => callJson(second, 'GET', '/v1/internal/usage', key);
    for (let warm = 0; warm < 3; warm += 1) expect((await read()).status).toBe(200);
    expect((await callJson(first, 'DELETE', `/v1/admin/service-keys/${id}`, replicas.adminKey)).status).toBe(200);
    const changedAt = Date.now();
    let answer = await read();
    while (answer.status === 200 && Date.now() - changedAt <= OTHER_REPLICA_BOUND_MS) answer = await read();
    const elapsed = Date.now() - changedAt;
    console.log(`a revoked service key: refused by the other replica ${elapsed} ms after the revocation`);
    expect([answer.status, (answer.body as { error?: { code: string } }).error?.code]).toEqual([401, 'api_key_revoked']);
  });

  it('a signed-out end user: refused by the other replica within a second, though it had their session in memory', async () => {
    const t = await tenantWithEndpoint('replica-end-user');
    const settings = { rateLimits: { userPerMinute: 100_000 } };
    expect((await callJson(first, 'PATCH', `/v1/admin/tenants/${t.tenantId}`, replicas.adminKey, { settings })).status).toBe(200);
    expect((await callJson(first, 'PUT', '/v1/end-user-auth', t.key, { sessions: true })).status).toBe(200);
    const { session } = (await callJson(first, 'POST', '/v1/sessions', t.key, { userId: 'u1' })).body as { session: string };
    const mint = () => callJson(second, 'POST', '/v1/client/replica-end-user/tokens', session, {});
    for (let warm = 0; warm < 3; warm += 1) expect((await mint()).status).toBe(201);
    expect((await callJson(first, 'POST', '/v1/users/u1/revoke', t.key)).status).toBe(200);
    const changedAt = Date.now();
    let answer = await mint();
    while (answer.status === 201 && Date.now() - changedAt <= OTHER_REPLICA_BOUND_MS) answer = await mint();
    const elapsed = Date.now() - changedAt;
    console.log(`a signed-out end user: refused by the other replica ${elapsed} ms after the revocation`);
    expect([answer.status, (answer.body as { error?: { code: string } }).error?.code]).toEqual([401, 'end_user_session_revoked']);
  });

  it("extend one tenant's chains together without a gap: every 201 has its row, and the chains verify", async () => {
    const t = await tenantWithEndpoint('replica-chain');
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        callJson(index % 2 ? first : second, 'POST', '/v1/tokens', t.key, { endpointId: t.endpointId }),
      ),
    );
    const issued = answers.filter((answer) => answer.status === 201).length;
    expect(issued).toBe(200);
    const verification = await callJson(second, 'GET', `/v1/admin/audit/verify?tenantId=${t.tenantId}`, replicas.adminKey);
    expect(verification.body).toEqual({ intact: true, chains: 2, rows: expect.any(Number) });
    const [row] = await replicas.database.query<{ count: string; top: string }>(
      `SELECT count(*)::text AS count, max(chain_seq)::text AS top FROM token_issuances WHERE tenant_id = $1 AND outcome = 'issued'`,
      [t.tenantId],
    );
    expect(row).toEqual({ count: '200', top: '200' });
  });
});
