import { NO_TENANT_CHAIN } from '../../src/audit-chain/chain-encoding';
import { bearer, createTestApp, TestApp } from '../helpers/test-app';

/** The chain of rows of no tenant (admin changes), tampered with as someone with write access to the database would. */
describe('the audit chain of rows that belong to no tenant', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    // Admin changes of no tenant: each a row of the no-tenant audit chain.
    for (const name of ['first', 'second', 'third']) {
      await t.http
        .post('/v1/admin/service-keys')
        .set(bearer(t.adminKey))
        .send({ name, scopes: ['usage:read'] })
        .expect(201);
    }
  });
  afterAll(() => t?.close());

  const verify = async () => (await t.http.get('/v1/admin/audit/verify').set(bearer(t.adminKey)).expect(200)).body;

  async function tamper(table: 'audit_events', statements: [string, unknown[]][]): Promise<void> {
    await t.database.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
    try {
      for (const [sql, params] of statements) await t.database.query(sql, params);
    } finally {
      await t.database.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
    }
  }

  it('names no tenant for a break in it: a row past its head, and an edited row', async () => {
    expect(await verify()).toMatchObject({ intact: true });
    const [head] = await t.database.query<{ seq: string }>(
      `SELECT seq::text AS seq FROM chain_heads WHERE log = 'audit_events' AND chain_id = $1`,
      [NO_TENANT_CHAIN],
    );
    expect(Number(head.seq)).toBeGreaterThanOrEqual(3);
    const pastHead = String(Number(head.seq) + 1);

    await tamper('audit_events', [
      [
        `INSERT INTO audit_events (id, tenant_id, actor_kind, action, target_type, outcome, details, occurred_at,
                                   chain_id, chain_seq, chain_prev, chain_hash)
         SELECT gen_random_uuid(), tenant_id, actor_kind, action, target_type, outcome, details, occurred_at,
                chain_id, $2::bigint, chain_hash, chain_hash
           FROM audit_events WHERE chain_id = $1 AND chain_seq = $3::bigint`,
        [NO_TENANT_CHAIN, pastHead, head.seq],
      ],
    ]);
    const [added] = await t.database.query<{ id: string }>(`SELECT id FROM audit_events WHERE chain_id = $1 AND chain_seq = $2::bigint`, [
      NO_TENANT_CHAIN,
      pastHead,
    ]);
    expect((await verify()).broken).toEqual({
      log: 'audit_events',
      tenantId: null,
      seq: pastHead,
      rowId: added.id,
      problem: 'row_outside_chain',
    });

    await tamper('audit_events', [[`DELETE FROM audit_events WHERE id = $1`, [added.id]]]);
    expect(await verify()).toMatchObject({ intact: true });
    await tamper('audit_events', [
      [`UPDATE audit_events SET action = 'nothing.happened' WHERE chain_id = $1 AND chain_seq = 2`, [NO_TENANT_CHAIN]],
    ]);
    expect((await verify()).broken).toEqual({
      log: 'audit_events',
      tenantId: null,
      seq: '2',
      rowId: expect.any(String),
      problem: 'row_altered',
    });
  });
});
