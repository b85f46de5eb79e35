import { TokenRollupsService } from '../../src/overview/token-rollups.service';
import { providerKits } from '../../src/providers/provider-kits';
import { createTenant } from '../factories/tenant.factory';
import { createIssuingContext, IssuingContext } from '../helpers/issuing';
import { bearer } from '../helpers/test-app';

interface Overview {
  at: string[];
  stepSeconds: number;
  series: { provider: string; outcome: string; counts: number[] }[];
  refusals: { code: string; count: number }[];
  totals: { issued: number; refused: number; failed: number };
  latency: { p50: (number | null)[]; p95: (number | null)[] };
}

/** The console's overview, from the rollups the token routes keep: per minute, provider and outcome, with latency. */
describe('overview', () => {
  let ctx: IssuingContext;
  let endpointId: string;
  let disabledEndpointId: string;

  beforeAll(async () => {
    ctx = await createIssuingContext();
    ctx.clock.set('2026-12-07T10:00:10.000Z');
    const accountId = await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio));
    endpointId = (await ctx.createEndpoint(accountId)).id;
    disabledEndpointId = (await ctx.createEndpoint(accountId)).id;
    await ctx.t.http.patch(`/v1/endpoints/${disabledEndpointId}`).set(bearer(ctx.tenant.key)).send({ disabled: true }).expect(200);
  });
  afterAll(() => ctx?.close());

  const overview = async (range?: string, key = ctx.tenant.key) => {
    await ctx.t.app.get(TokenRollupsService).flush();
    const response = await ctx.t.http
      .get('/v1/overview')
      .query(range ? { range } : {})
      .set(bearer(key))
      .expect(200);
    return response.body as Overview;
  };

  it('counts tokens per minute by provider and outcome, refusals by code, and the issuance latency', async () => {
    for (let index = 0; index < 3; index += 1) await ctx.issue({ endpointId }).expect(201);
    await ctx.issue({ endpointId: disabledEndpointId }).expect(403);
    ctx.clock.advance(2 * 60_000);
    for (let index = 0; index < 2; index += 1) await ctx.issue({ endpointId }).expect(201);

    const hour = await overview();
    expect(hour.at).toHaveLength(60);
    expect(hour.stepSeconds).toBe(60);
    // The last step is the current minute (10:02), the first token's minute two steps before it.
    const issued = hour.series.find((series) => series.provider === 'twilio' && series.outcome === 'issued')!;
    expect(issued.counts.slice(-3)).toEqual([3, 0, 2]);
    expect(hour.totals).toEqual({ issued: 5, refused: 1, failed: 0 });
    expect(hour.refusals).toEqual([{ code: 'endpoint_disabled', count: 1 }]);
    expect(hour.latency.p50.slice(-3).map((value) => value !== null)).toEqual([true, false, true]);
    expect(hour.latency.p95.at(-1)).toBeGreaterThanOrEqual(hour.latency.p50.at(-1)!);

    const week = await overview('week');
    expect(week.at).toHaveLength(168);
    expect(week.series.find((series) => series.outcome === 'issued')!.counts.reduce((sum, count) => sum + count, 0)).toBe(5);
  });

  it('adds each flush to what is there, and shows a tenant only its own tokens', async () => {
    await ctx.issue({ endpointId }).expect(201);
    expect((await overview()).totals.issued).toBe(6);
    const other = await createTenant(ctx.t);
    expect((await overview('day', other.key)).series).toEqual([]);
  });

  it('refuses a range it does not chart', async () => {
    const refused = await ctx.t.http.get('/v1/overview?range=year').set(bearer(ctx.tenant.key)).expect(400);
    expect(refused.body.error.code).toBe('validation_failed');
  });
});
