import type { Browser, Page } from 'playwright-core';
import { createEndpoint, createProviderAccount, createTenant, TestTenant } from '../factories/tenant.factory';
import { launchBrowser } from '../helpers/browser';
import { HOSTILE, ranHostileScript, screenshot, seriousViolations, signIn } from '../helpers/console-browser';
import { configureEndUserAuth } from '../helpers/end-users';
import { describeWith } from '../helpers/requirements';
import { bearer, createTestApp, TestApp } from '../helpers/test-app';
import { createSigningKey, signToken, SigningKey, startTestIdp, TestIdp } from '../helpers/test-idp';

const PEM_ISSUER = 'https://login.acme.example/';

/** The console's "End-user auth" page in Chromium: the tenant's issuers, their key sets' health, and testing a token. */
describeWith(['chromium'], 'console: end-user auth', () => {
  let t: TestApp;
  let url: string;
  let browser: Browser;
  let idp: TestIdp;
  let downIdp: TestIdp;
  let pemKey: SigningKey;
  let acme: TestTenant;
  let identityOfAlice: string;

  const claims = (iss: string, sub: string, aud = 'callpass', overrides: Record<string, unknown> = {}) => {
    const now = Math.floor(t.clock.now().getTime() / 1000);
    return { iss, aud, sub, iat: now, exp: now + 600, ...overrides };
  };
  const testOverHttp = (token: string) => t.http.post('/v1/end-user-auth/token-tests').set(bearer(acme.key)).send({ token }).expect(200);

  /** Opens the page in a fresh context, signed in with the key; `refusedScripts` collects what the content policy blocked. */
  async function openPage(key: string): Promise<{ page: Page; refusedScripts: string[]; close: () => Promise<void> }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    const refusedScripts: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/.test(message.text())) refusedScripts.push(message.text());
    });
    await signIn(context, page, url, key);
    await page.getByRole('link', { name: 'End-user auth' }).click();
    await page.getByRole('heading', { name: 'End-user auth' }).waitFor();
    return { page, refusedScripts, close: () => context.close() };
  }

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    url = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    browser = await launchBrowser();
    idp = await startTestIdp();
    downIdp = await startTestIdp();
    pemKey = await createSigningKey('ES256', 'pem-key');
    acme = await createTenant(t);
    await configureEndUserAuth(t, acme, {
      sessions: true,
      issuers: [
        { issuer: idp.issuer, audience: HOSTILE, jwksUrl: idp.jwksUrl, algorithms: ['RS256'], userIdPrefix: 'idp:' },
        { issuer: downIdp.issuer, audience: 'callpass', jwksUrl: downIdp.jwksUrl, userIdPrefix: 'down:', checkJwks: false },
        { issuer: PEM_ISSUER, audience: 'callpass', publicKeyPem: pemKey.publicPem, userIdPrefix: 'pem:' },
      ],
    });
    const accountId = (await createProviderAccount(t, acme, 'twilio')).id;
    identityOfAlice = String((await createEndpoint(t, acme, accountId, { userId: 'pem:alice', identity: 'alice_web' })).identity);
    // One key set fetched, the other failing: what the page reports of each.
    await testOverHttp(await idp.sign(claims(idp.issuer, 'ivy', HOSTILE))).expect(/"accepted":true/);
    downIdp.failWith(503);
    await testOverHttp(await downIdp.sign(claims(downIdp.issuer, 'dan'))).expect(/end_user_keys_unavailable/);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await idp?.close();
    await downIdp?.close();
  });

  it("lists the issuers as text with their key sets' health, and tests a token: accepted with its identities, refused with its code", async () => {
    const { page, refusedScripts, close } = await openPage(acme.key);
    try {
      await page.getByRole('cell', { name: HOSTILE, exact: true }).waitFor();
      const rowOf = (issuer: string) => page.getByRole('row').filter({ has: page.getByRole('cell', { name: issuer, exact: true }) });
      expect(await rowOf(idp.issuer).textContent()).toContain(`Key ids: ${idp.keys[0].kid}`);
      expect(await rowOf(idp.issuer).textContent()).toContain(idp.jwksUrl);
      const down = await rowOf(downIdp.issuer).textContent();
      expect(down).toContain('Not fetched yet');
      expect(down).toContain('Last error');
      expect(down).toContain('it answered with an HTTP status other than 200 (HTTP 503)');
      expect(await rowOf(PEM_ISSUER).textContent()).toContain('PEM key');
      expect(await rowOf(PEM_ISSUER).textContent()).toContain('pem: + claim sub');
      expect(await page.getByText('Callpass sessions').textContent()).toMatch(/: on$/);

      await page.getByLabel('JWT').fill(`  ${await signToken(claims(PEM_ISSUER, 'alice'), pemKey)}\n`);
      await page.getByRole('button', { name: 'Test token' }).click();
      await page.getByText('Accepted: user pem:alice').waitFor();
      await page.getByRole('cell', { name: identityOfAlice, exact: true }).waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'end-user-auth');

      const now = Math.floor(t.clock.now().getTime() / 1000);
      await page
        .getByLabel('JWT')
        .fill(await signToken(claims(PEM_ISSUER, 'alice', 'callpass', { iat: now - 900, exp: now - 61 }), pemKey));
      await page.getByRole('button', { name: 'Test token' }).click();
      const refusal = page.getByRole('alert');
      await refusal.waitFor();
      expect(await refusal.textContent()).toBe('The token has expired end_user_token_expired');
      expect(await page.getByText('Accepted').count()).toBe(0);
      expect(await seriousViolations(page)).toEqual([]);

      // A test mints nothing and leaves the token log as it was.
      const log = await t.http.get('/v1/token-issuances').set(bearer(acme.key)).expect(200);
      expect(log.body.data).toEqual([]);
      expect(await ranHostileScript(page)).toBe(false);
      expect(refusedScripts).toEqual([]);
    } finally {
      await close();
    }
  });

  it('says how to add an identity provider when there is none', async () => {
    const { page, close } = await openPage((await createTenant(t)).key);
    try {
      await page.getByRole('heading', { name: 'No identity provider yet' }).waitFor();
      expect(await page.locator('.empty').textContent()).toContain('PUT /v1/end-user-auth');
      expect(await page.getByText('Callpass sessions').textContent()).toMatch(/: off$/);
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await close();
    }
  });
});
