import { providerKits } from '../../src/providers/provider-kits';
import { bearer } from '../helpers/test-app';
import { createIssuingContext, issuanceRows, IssuingContext } from '../helpers/issuing';

/** TRUST_PROXY unset, the production default: X-Forwarded-For is whatever a client wants it to be, so it counts for nothing. */
describe('X-Forwarded-For without TRUST_PROXY', () => {
  let ctx: IssuingContext;
  beforeAll(async () => {
    ctx = await createIssuingContext();
  });
  afterAll(() => ctx?.close());

  it('does not become the client IP of the token log', async () => {
    const accountId = await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio));
    const endpoint = await ctx.createEndpoint(accountId);
    const response = await ctx.issue({ endpointId: endpoint.id }).set('x-forwarded-for', '203.0.113.66').expect(201);
    const [row] = await issuanceRows(ctx, { id: response.body.id });
    expect(row.clientIp).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
  });

  it('does not give a visitor a fresh rate limit on the public embed route', async () => {
    const origin = 'https://shop.example.com';
    await ctx.t.http
      .patch(`/v1/admin/tenants/${ctx.tenant.id}`)
      .set(bearer(ctx.t.adminKey))
      .send({ settings: { allowedOrigins: [origin] } })
      .expect(200);
    const accountId = await ctx.createAccount(providerKits.signalwire.emulatedAccount(ctx.emulators.signalwire));
    const exchange = (forwardedFor: string) =>
      ctx.t.http.post(`/v1/signalwire/embeds/${accountId}/tokens`).set('origin', origin).set('x-forwarded-for', forwardedFor);
    for (let visitor = 0; visitor < 10; visitor += 1) await exchange(`198.51.100.${visitor}`).expect(201);
    const limited = await exchange('198.51.100.200').expect(429);
    expect(limited.body.error.code).toBe('rate_limited');
  });
});
