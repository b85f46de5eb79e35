import { providerKits } from '../../src/providers/provider-kits';
import { claimsAt, clientIssue, createIdpContext } from '../helpers/end-users';
import { IssuingContext } from '../helpers/issuing';
import { TestIdp } from '../helpers/test-idp';

const ALLOWED = 'https://app.example';
const EXPOSED = 'retry-after, ratelimit-limit, ratelimit-remaining, ratelimit-reset, x-request-id';

/** Exactly what an allowed page may read and send, on the browser routes and SignalWire's public embeds. */
describe('CORS headers, word for word', () => {
  let ctx: IssuingContext;
  let idp: TestIdp;
  let embedAccount: string;
  const corsHeaders = (headers: Record<string, string>) =>
    Object.fromEntries(Object.entries(headers).filter(([name]) => name.startsWith('access-control-') || name === 'vary'));

  beforeAll(async () => {
    ({ ctx, idp } = await createIdpContext({ settings: { allowedOrigins: [ALLOWED] } }));
    embedAccount = await ctx.createAccount(providerKits.signalwire.emulatedAccount(ctx.emulators.signalwire));
  });
  afterAll(async () => {
    await ctx?.close();
    await idp?.close();
  });

  it('lets an allowed page read the limits and the request id of an answer, a token or a refusal, and nothing more', async () => {
    const minted = await clientIssue(ctx.t, ctx.tenant, await idp.sign(claimsAt(ctx, idp.issuer, 'paula'))).set({ origin: ALLOWED });
    expect(minted.status).toBe(201);
    expect(corsHeaders(minted.headers)).toEqual({
      'access-control-allow-origin': ALLOWED,
      'access-control-expose-headers': EXPOSED,
      vary: 'Origin',
    });
    const refused = await clientIssue(ctx.t, ctx.tenant, 'not-a-jwt').set({ origin: ALLOWED }).expect(401);
    expect(corsHeaders(refused.headers)).toEqual({
      'access-control-allow-origin': ALLOWED,
      'access-control-expose-headers': EXPOSED,
      vary: 'Origin',
    });
  });

  it("records in the token log the page's origin, the request id and the client of a browser request refused before minting", async () => {
    const token = await idp.sign(claimsAt(ctx, idp.issuer, 'olga'));
    const refused = await clientIssue(ctx.t, ctx.tenant, token, { ttlSeconds: 'long' }).set({ origin: ALLOWED }).expect(400);
    expect(refused.body.error.code).toBe('validation_failed');
    const rows = await ctx.t.prisma.tokenIssuance.findMany({ where: { tenantId: ctx.tenant.id, userId: 'olga', outcome: 'refused' } });
    expect(
      rows.map(({ errorCode, origin, actorKind, requestId, clientIp }) => ({ errorCode, origin, actorKind, requestId, clientIp })),
    ).toEqual([
      {
        errorCode: 'validation_failed',
        origin: ALLOWED,
        actorKind: 'end_user',
        requestId: refused.headers['x-request-id'],
        clientIp: expect.stringMatching(/127\.0\.0\.1$/),
      },
    ]);
  });

  it("answers an embed's preflight from an allowed page with exactly its method, header and lifetime, and nothing to any other", async () => {
    const path = `/v1/signalwire/embeds/${embedAccount}/tokens`;
    const allowed = await ctx.t.http.options(path).set({ origin: ALLOWED, 'access-control-request-method': 'POST' }).expect(204);
    expect(corsHeaders(allowed.headers)).toEqual({
      'access-control-allow-origin': ALLOWED,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'content-type',
      'access-control-max-age': '600',
      vary: 'Origin',
    });
    const elsewhere = [
      [path, 'https://evil.example'],
      [path, undefined],
      ['/v1/signalwire/embeds/01900000-0000-7000-8000-00000000abcd/tokens', ALLOWED],
      ['/v1/signalwire/embeds/not-an-id/tokens', ALLOWED],
    ] as const;
    for (const [target, origin] of elsewhere) {
      const answer = await ctx.t.http
        .options(target)
        .set(origin ? { origin } : {})
        .expect(204);
      expect([target, origin, corsHeaders(answer.headers)]).toEqual([target, origin, {}]);
    }
  });
});
