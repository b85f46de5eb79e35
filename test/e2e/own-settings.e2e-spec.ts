import { PROVIDER_MAX_TTL_SECONDS } from '../../src/providers/provider-list';
import { createTenant, TestTenant } from '../factories/tenant.factory';
import { bearer, createTestApp, TestApp } from '../helpers/test-app';

const DEFAULTS = { userPerMinute: 10, keyPerMinute: 1200, tenantPerMinute: 6000 };

/** A tenant's own settings (`/v1/settings`): origins and lifetimes freely, rate limits up to its operator's caps. */
describe('own settings', () => {
  let t: TestApp;
  let acme: TestTenant;

  beforeAll(async () => {
    t = await createTestApp();
  });
  beforeEach(async () => {
    acme = await createTenant(t);
  });
  afterAll(() => t?.close());

  const settings = () => t.http.get('/v1/settings').set(bearer(acme.key)).expect(200);
  const replace = (body: object) => t.http.put('/v1/settings').set(bearer(acme.key)).send(body);

  it('shows the limits in force with their defaults, and the caps', async () => {
    const shown = await settings();
    expect(shown.body).toEqual({
      allowedOrigins: [],
      tokenTtl: {},
      rateLimits: DEFAULTS,
      rateLimitCaps: DEFAULTS,
      tokenTtlCapSeconds: PROVIDER_MAX_TTL_SECONDS,
    });
  });

  it('replaces origins, lifetimes and lowered limits, which then apply', async () => {
    const body = {
      allowedOrigins: ['https://app.acme.test'],
      tokenTtl: { defaultSeconds: 300, maxSeconds: 900 },
      rateLimits: { keyPerMinute: 3 },
    };
    const replaced = await replace(body).expect(200);
    expect(replaced.body).toEqual({
      ...body,
      rateLimits: { ...DEFAULTS, keyPerMinute: 3 },
      rateLimitCaps: DEFAULTS,
      tokenTtlCapSeconds: PROVIDER_MAX_TTL_SECONDS,
    });
    const stored = await t.http.get(`/v1/admin/tenants/${acme.id}`).set(bearer(t.adminKey)).expect(200);
    // The caps in force are kept with the first change: the limit lowered to 3 may go back up to 1,200.
    expect(stored.body.settings).toEqual({
      ...body,
      rateLimits: { ...DEFAULTS, keyPerMinute: 3 },
      rateLimitCaps: DEFAULTS,
      tokenTtlCapSeconds: PROVIDER_MAX_TTL_SECONDS,
    });

    const answers: number[] = [];
    for (let request = 0; request < 4; request += 1) answers.push((await t.http.get('/v1/endpoints').set(bearer(acme.key))).status);
    // The PUT was the key's first request of the three a minute it now has.
    expect(answers).toEqual([200, 200, 429, 429]);

    const own = await t.http.get('/v1/admin/audit-events').query({ tenantId: acme.id, action: 'tenant.updated' }).set(bearer(t.adminKey));
    expect(own.body.data).toEqual([
      expect.objectContaining({ actor: expect.objectContaining({ kind: 'tenant' }), details: { changed: ['settings'] } }),
    ]);
  });

  it('refuses a limit above its cap and keeps what was stored; an operator raises the cap', async () => {
    await replace({ allowedOrigins: ['https://app.acme.test'] }).expect(200);
    const refused = await replace({ rateLimits: { userPerMinute: 11 } }).expect(422);
    expect(refused.body.error).toMatchObject({ code: 'rate_limit_above_cap', details: { limit: 'userPerMinute', cap: 10 } });
    expect((await settings()).body.allowedOrigins).toEqual(['https://app.acme.test']);

    await t.http
      .patch(`/v1/admin/tenants/${acme.id}`)
      .set(bearer(t.adminKey))
      .send({ settings: { rateLimitCaps: { userPerMinute: 50 } } })
      .expect(200);
    const raised = await replace({ rateLimits: { userPerMinute: 50 } }).expect(200);
    expect(raised.body.rateLimits.userPerMinute).toBe(50);
    expect(raised.body.rateLimitCaps.userPerMinute).toBe(50);
    await replace({ rateLimits: { userPerMinute: 51 } }).expect(422);
    // The caps are the operator's: a tenant's replacement keeps them.
    expect((await settings()).body.rateLimitCaps.userPerMinute).toBe(50);
  });

  it('puts a limit left out at its cap when the operator capped it below its default', async () => {
    const capped = { userPerMinute: 2, keyPerMinute: 100, tenantPerMinute: 500 };
    await t.http
      .patch(`/v1/admin/tenants/${acme.id}`)
      .set(bearer(t.adminKey))
      .send({ settings: { rateLimits: capped, rateLimitCaps: capped } })
      .expect(200);
    const replaced = await replace({ rateLimits: { userPerMinute: 1 } }).expect(200);
    expect(replaced.body.rateLimits).toEqual({ ...capped, userPerMinute: 1 });
    expect((await replace({}).expect(200)).body.rateLimits).toEqual(capped);
  });

  it("keeps the operator's limits as the most a tenant may have: lowered, then raised back, never past them", async () => {
    await t.http
      .patch(`/v1/admin/tenants/${acme.id}`)
      .set(bearer(t.adminKey))
      .send({ settings: { rateLimits: { userPerMinute: 2 }, tokenTtl: { maxSeconds: 3600 } } })
      .expect(200);
    expect((await settings()).body).toMatchObject({ rateLimitCaps: { userPerMinute: 2 }, tokenTtlCapSeconds: 3600 });
    const refused = await replace({ rateLimits: { userPerMinute: 5 } }).expect(422);
    expect(refused.body.error).toMatchObject({ code: 'rate_limit_above_cap', details: { limit: 'userPerMinute', cap: 2 } });
    const longer = await replace({ tokenTtl: { maxSeconds: 7200 } }).expect(422);
    expect(longer.body.error).toMatchObject({ code: 'token_ttl_above_cap', details: { field: 'maxSeconds', capSeconds: 3600 } });
    const longerDefault = await replace({ tokenTtl: { defaultSeconds: 7200 } }).expect(422);
    expect(longerDefault.body.error.details).toEqual({ field: 'defaultSeconds', capSeconds: 3600 });

    const lowered = await replace({ rateLimits: { userPerMinute: 1 }, tokenTtl: { maxSeconds: 600 } }).expect(200);
    expect(lowered.body).toMatchObject({ rateLimits: { userPerMinute: 1 }, tokenTtl: { maxSeconds: 600 } });
    const raisedBack = await replace({ rateLimits: { userPerMinute: 2 }, tokenTtl: { maxSeconds: 3600 } }).expect(200);
    expect(raisedBack.body).toMatchObject({ rateLimits: { userPerMinute: 2 }, tokenTtl: { maxSeconds: 3600 } });
    await replace({ tokenTtl: { maxSeconds: 3601 } }).expect(422);
    // Left out, the longest lifetime is the cap, not the providers' own longest.
    expect((await replace({}).expect(200)).body).toMatchObject({ tokenTtl: { maxSeconds: 3600 }, rateLimits: { userPerMinute: 2 } });
  });

  it('lets a limit the operator set above the cap stay where it is, but not rise', async () => {
    await t.http
      .patch(`/v1/admin/tenants/${acme.id}`)
      .set(bearer(t.adminKey))
      .send({ settings: { rateLimits: { keyPerMinute: 5000 } } })
      .expect(200);
    await replace({ allowedOrigins: ['https://b.acme.test'], rateLimits: { keyPerMinute: 5000 } }).expect(200);
    await replace({ rateLimits: { keyPerMinute: 5001 } }).expect(422);
  });

  it('refuses the caps, bad origins and bad lifetimes from a tenant with 400', async () => {
    for (const body of [
      { rateLimitCaps: { userPerMinute: 1000 } },
      { tokenTtlCapSeconds: 86_400 },
      { allowedOrigins: ['javascript:alert(1)'] },
      { tokenTtl: { defaultSeconds: 900, maxSeconds: 300 } },
      { rateLimits: { userPerMinute: 0 } },
    ]) {
      const refused = await replace(body);
      expect([refused.status, refused.body.error.code]).toEqual([400, 'validation_failed']);
    }
    expect((await settings()).body.rateLimitCaps).toEqual(DEFAULTS);
  });

  it("changes only the caller's tenant", async () => {
    const globex = await createTenant(t);
    await replace({ allowedOrigins: ['https://app.acme.test'] }).expect(200);
    const theirs = await t.http.get('/v1/settings').set(bearer(globex.key)).expect(200);
    expect(theirs.body.allowedOrigins).toEqual([]);
  });
});
