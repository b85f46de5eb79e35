import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Browser } from 'playwright-core';
import { providerKits } from '../../src/providers/provider-kits';
import { launchBrowser } from '../helpers/browser';
import { claimsAt, clientIssue, configureEndUserAuth, countedRefusals, setTenantSettings } from '../helpers/end-users';
import { createIssuingContext, IssuingContext } from '../helpers/issuing';
import { bearer } from '../helpers/test-app';
import { startTestIdp, TestIdp } from '../helpers/test-idp';
import { itWith } from '../helpers/requirements';

/** A web page's origin on loopback (each port is an origin of its own). */
async function pageOrigin(): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = http.createServer((_, response) =>
    response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>app</title>'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('CORS on the browser routes, per tenant', () => {
  let ctx: IssuingContext;
  let idp: TestIdp;
  let allowed: Awaited<ReturnType<typeof pageOrigin>>;
  let foreign: Awaited<ReturnType<typeof pageOrigin>>;
  let path: string;

  beforeAll(async () => {
    allowed = await pageOrigin();
    foreign = await pageOrigin();
    ctx = await createIssuingContext();
    idp = await startTestIdp();
    await setTenantSettings(ctx.t, ctx.tenant, { allowedOrigins: [allowed.origin] });
    await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio), { policy: { autoEnroll: true } });
    await configureEndUserAuth(ctx.t, ctx.tenant, { issuers: [{ issuer: idp.issuer, audience: 'callpass', jwksUrl: idp.jwksUrl }] });
    path = `/v1/client/${ctx.tenant.slug}/tokens`;
  });
  afterAll(async () => {
    await ctx?.close();
    await idp?.close();
    await allowed?.close();
    await foreign?.close();
  });

  it('answers preflight for an allowed origin only, with methods, headers and max-age, never * nor credentials', async () => {
    const preflight = await ctx.t.http
      .options(path)
      .set({
        origin: allowed.origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      })
      .expect(204);
    expect(preflight.headers).toMatchObject({
      'access-control-allow-origin': allowed.origin,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'authorization, content-type',
      'access-control-max-age': '600',
      vary: 'Origin',
    });
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
    const refresh = await ctx.t.http
      .options(`${path}/01900000-0000-7000-8000-000000000001/refresh`)
      .set({ origin: allowed.origin })
      .expect(204);
    expect(refresh.headers['access-control-allow-origin']).toBe(allowed.origin);

    for (const origin of [foreign.origin, 'null', '*', `${allowed.origin}.evil.example`]) {
      const refused = await ctx.t.http.options(path).set({ origin }).expect(204);
      expect(Object.keys(refused.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    }
    const otherTenant = await ctx.t.http.options('/v1/client/no-such-tenant/tokens').set({ origin: allowed.origin }).expect(204);
    expect(otherTenant.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('puts CORS headers on every answer to an allowed origin, errors included, and refuses other origins with 403', async () => {
    const token = await idp.sign(claimsAt(ctx, idp.issuer, 'alice'));
    const ok = await clientIssue(ctx.t, ctx.tenant, token).set({ origin: allowed.origin }).expect(201);
    expect(ok.headers).toMatchObject({ 'access-control-allow-origin': allowed.origin, vary: 'Origin' });
    expect(ok.headers['access-control-expose-headers']).toContain('retry-after');
    const unauthenticated = await clientIssue(ctx.t, ctx.tenant, 'not-a-jwt').set({ origin: allowed.origin }).expect(401);
    expect(unauthenticated.headers['access-control-allow-origin']).toBe(allowed.origin);

    const before = await countedRefusals(ctx);
    const refused = await clientIssue(ctx.t, ctx.tenant, token).set({ origin: foreign.origin }).expect(403);
    expect(refused.body.error.code).toBe('origin_not_allowed');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    expect((await countedRefusals(ctx)).origin_not_allowed).toBe((before.origin_not_allowed ?? 0) + 1);
  });

  it('decides the origin before anything else answers: a refused body gets CORS headers too, and hostile paths a 4xx', async () => {
    // An unparsable body is refused once the user is known (so that it counts against their limits).
    const token = await idp.sign(claimsAt(ctx, idp.issuer, 'alice'));
    const badJson = await ctx.t.http
      .post(path)
      .set({ origin: allowed.origin, 'content-type': 'application/json', authorization: `Bearer ${token}` })
      .send('{"provider":')
      .expect(400);
    expect(badJson.body.error.code).toBe('invalid_json');
    expect(badJson.headers).toMatchObject({ 'access-control-allow-origin': allowed.origin, vary: 'Origin' });
    const foreignAnswer = await clientIssue(ctx.t, ctx.tenant, 'x').set({ origin: foreign.origin }).expect(403);
    expect(foreignAnswer.headers.vary).toBe('Origin');
    for (const slug of ['%00', 'a%00b', 'A'.repeat(300)]) {
      const post = await ctx.t.http.post(`/v1/client/${slug}/tokens`).set({ origin: allowed.origin, authorization: 'Bearer x' }).send({});
      expect(post.status).toBeLessThan(500);
      const preflight = await ctx.t.http.options(`/v1/client/${slug}/tokens`).set({ origin: allowed.origin });
      expect(preflight.status).toBeLessThan(500);
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('gives the tenant and admin routes no CORS at all', async () => {
    const tenantRoute = await ctx.t.http
      .post('/v1/tokens')
      .set(bearer(ctx.tenant.key))
      .set({ origin: allowed.origin })
      .send({ userId: 'alice' });
    expect(tenantRoute.status).toBe(201);
    expect(tenantRoute.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await ctx.t.http.options('/v1/tokens').set({ origin: allowed.origin, 'access-control-request-method': 'POST' });
    expect(preflight.status).toBe(404);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const adminRoute = await ctx.t.http.get('/v1/admin/tenants').set(bearer(ctx.t.adminKey)).set({ origin: allowed.origin }).expect(200);
    expect(Object.keys(adminRoute.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });

  itWith(
    ['chromium'],
    'in a real browser: a page on an allowed origin gets a token with its IdP JWT; a page elsewhere is blocked',
    async () => {
      await ctx.t.app.listen(0, '127.0.0.1');
      const api = (await ctx.t.app.getUrl()).replace('[::1]', '127.0.0.1');
      const browser: Browser = await launchBrowser();
      try {
        const callFrom = async (origin: string, token: string) => {
          const page = await browser.newPage();
          await page.goto(origin);
          return page.evaluate(
            async ({ url, token }) => {
              try {
                const response = await fetch(url, {
                  method: 'POST',
                  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
                  body: JSON.stringify({}),
                });
                return { status: response.status, body: (await response.json()) as Record<string, unknown> };
              } catch (error) {
                return { blocked: String(error) };
              }
            },
            { url: `${api}${path}`, token },
          );
        };
        const token = await idp.sign(claimsAt(ctx, idp.issuer, 'browser_user'));
        const granted = await callFrom(allowed.origin, token);
        expect(granted).toMatchObject({ status: 201, body: { provider: 'twilio', identity: 'browser_user' } });

        const expired = await idp.sign({
          ...claimsAt(ctx, idp.issuer, 'browser_user'),
          exp: Math.floor(ctx.clock.now().getTime() / 1000) - 3600,
        });
        expect(await callFrom(allowed.origin, expired)).toMatchObject({ status: 401, body: { error: { code: 'end_user_token_expired' } } });

        const issuedBefore = await ctx.t.prisma.tokenIssuance.count({ where: { tenantId: ctx.tenant.id, outcome: 'issued' } });
        expect(await callFrom(foreign.origin, token)).toEqual({ blocked: expect.stringContaining('Failed to fetch') });
        expect(await ctx.t.prisma.tokenIssuance.count({ where: { tenantId: ctx.tenant.id, outcome: 'issued' } })).toBe(issuedBefore);
      } finally {
        await browser.close();
      }
    },
  );
});
