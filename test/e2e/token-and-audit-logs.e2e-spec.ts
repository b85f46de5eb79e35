import { NO_TENANT_CHAIN } from '../../src/audit-chain/chain-encoding';
import { providerKits } from '../../src/providers/provider-kits';
import { createTenant } from '../factories/tenant.factory';
import { createIssuingContext, IssuingContext } from '../helpers/issuing';
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

/** Each filter of the token log and of the audit events narrows the list to what it names, and nothing else. */
describe("the token log's and the audit events' filters", () => {
  let ctx: IssuingContext;

  beforeAll(async () => {
    ctx = await createIssuingContext();
  });
  afterAll(() => ctx?.close());

  const list = async (path: string, query: Record<string, string>, key = ctx.tenant.key) =>
    (
      await ctx.t.http
        .get(path)
        .query({ limit: '100', ...query })
        .set(bearer(key))
        .expect(200)
    ).body.data as Record<string, unknown>[];

  it('narrows the token log by account, by outcome, and to the instants from (inclusive) and to (exclusive)', async () => {
    const [first, second] = [
      await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio)),
      await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio)),
    ];
    const [onFirst, onSecond] = [await ctx.createEndpoint(first), await ctx.createEndpoint(second)];
    const early = ctx.clock.now().toISOString();
    await ctx.issue({ endpointId: onFirst.id }).expect(201);
    ctx.clock.advance(60_000);
    const late = ctx.clock.now().toISOString();
    await ctx.issue({ endpointId: onSecond.id }).expect(201);
    await ctx.issue({ endpointId: onFirst.id, capabilities: ['incoming'], ttlSeconds: 1_000_000 }).expect(400);
    const refusedOnFirst = await ctx.issue({ endpointId: onFirst.id, kind: 'no_such_kind' });
    expect(refusedOnFirst.status).toBe(400);

    const summary = (rows: Record<string, unknown>[]) =>
      rows
        .map(
          (row) =>
            `${row.providerAccountId === first ? 'first' : row.providerAccountId === second ? 'second' : 'none'} ${String(row.outcome)}`,
        )
        .sort();
    expect(summary(await list('/v1/token-issuances', { providerAccountId: first }))).toEqual(['first issued', 'first refused']);
    expect(summary(await list('/v1/token-issuances', { providerAccountId: second }))).toEqual(['second issued']);
    expect(summary(await list('/v1/token-issuances', { outcome: 'refused' }))).toEqual(['first refused', 'none refused']);
    expect(summary(await list('/v1/token-issuances', { outcome: 'issued' }))).toEqual(['first issued', 'second issued']);
    expect(summary(await list('/v1/token-issuances', { from: late }))).toEqual(['first refused', 'none refused', 'second issued']);
    expect(summary(await list('/v1/token-issuances', { from: early, to: late }))).toEqual(['first issued']);
  });

  it("lets an admin read every tenant's token log, or one tenant's, and no tenant read it across tenants", async () => {
    const other = await createTenant(ctx.t);
    const account = await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio));
    const endpointId = (await ctx.createEndpoint(account)).id;
    const mine = (await ctx.issue({ endpointId }).expect(201)).body.id as string;
    await ctx.issue({ endpointId, kind: 'no_such_kind' }).expect(400);
    const refusedForOther = await ctx.t.http.post('/v1/tokens').set(bearer(other.key)).send({ userId: 'nobody_here' }).expect(404);
    expect(refusedForOther.body.error.code).toBe('user_endpoint_not_found');

    const tenantsOf = (rows: Record<string, unknown>[]) => [...new Set(rows.map((row) => row.tenantId))].sort();
    const everyone = await list('/v1/admin/token-issuances', {}, ctx.t.adminKey);
    expect(tenantsOf(everyone)).toEqual(expect.arrayContaining([ctx.tenant.id, other.id]));
    const onlyOther = await list('/v1/admin/token-issuances', { tenantId: other.id }, ctx.t.adminKey);
    expect(tenantsOf(onlyOther)).toEqual([other.id]);
    const onlyMine = await list('/v1/admin/token-issuances', { tenantId: ctx.tenant.id, outcome: 'issued' }, ctx.t.adminKey);
    expect(onlyMine.map((row) => row.id)).toContain(mine);
    expect(new Set(onlyMine.map((row) => `${String(row.tenantId)} ${String(row.outcome)}`))).toEqual(new Set([`${ctx.tenant.id} issued`]));
    await ctx.t.http.get('/v1/admin/token-issuances').set(bearer(ctx.tenant.key)).expect(403);
  });

  it("narrows the audit events by the target's type and by the acting key", async () => {
    const second = await ctx.t.http
      .post(`/v1/admin/tenants/${ctx.tenant.id}/api-keys`)
      .set(bearer(ctx.t.adminKey))
      .send({ name: 'second key' })
      .expect(201);
    const account = await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio));
    const endpoint = await ctx.t.http
      .post('/v1/endpoints')
      .set(bearer(second.body.key as string))
      .send({ providerAccountId: account, userId: 'filtered_user', capabilities: ['incoming'] })
      .expect(201);

    const bySecond = await list('/v1/audit-events', { actorId: second.body.id as string });
    expect(bySecond.map((event) => [event.action, (event.target as { id: string }).id])).toEqual([['endpoint.created', endpoint.body.id]]);
    const endpoints = await list('/v1/audit-events', { targetType: 'endpoint' });
    expect(endpoints.length).toBeGreaterThan(0);
    expect(new Set(endpoints.map((event) => (event.target as { type: string }).type))).toEqual(new Set(['endpoint']));
    const accounts = await list('/v1/audit-events', { targetType: 'provider_account' });
    expect(accounts.map((event) => (event.target as { id: string }).id)).toContain(account);
    expect(new Set(accounts.map((event) => (event.target as { type: string }).type))).toEqual(new Set(['provider_account']));
  });
});
