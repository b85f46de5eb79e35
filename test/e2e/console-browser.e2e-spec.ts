import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { TokenRollupsService } from '../../src/overview/token-rollups.service';
import { createEndpoint, createProviderAccount, createTenant, TestTenant } from '../factories/tenant.factory';
import { launchBrowser } from '../helpers/browser';
import { HOSTILE, ranHostileScript, screenshot, seriousViolations, signIn } from '../helpers/console-browser';
import { describeWith } from '../helpers/requirements';
import { bearer, createTestApp, TestApp } from '../helpers/test-app';

/** A user id a spreadsheet would run as a formula, were an export to hand it over as it is. */
const FORMULA = '=HYPERLINK("http://attacker.example","open")';

/** The console in Debian's Chromium, against the real service: sign-in, its pages, its headers, sign-out. */
describeWith(['chromium'], 'console in a browser', () => {
  let t: TestApp;
  let url: string;
  let browser: Browser;
  let acme: TestTenant;
  let accountId: string;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    url = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    browser = await launchBrowser();
    acme = await createTenant(t);
    accountId = (await createProviderAccount(t, acme, 'twilio', { name: HOSTILE })).id;
    const endpoint = await createEndpoint(t, acme, accountId, { userId: HOSTILE, identity: 'hostile_user' });
    // Twilio's tokens are signed here: four issued, one refused, for the overview and the token log.
    for (let index = 0; index < 3; index += 1)
      await t.http.post('/v1/tokens').set(bearer(acme.key)).send({ endpointId: endpoint.id }).expect(201);
    const formula = await createEndpoint(t, acme, accountId, { userId: FORMULA, identity: 'formula_user' });
    await t.http.post('/v1/tokens').set(bearer(acme.key)).send({ endpointId: formula.id }).expect(201);
    const disabled = await createEndpoint(t, acme, accountId, { disabled: true });
    await t.http.post('/v1/tokens').set(bearer(acme.key)).send({ endpointId: disabled.id }).expect(403);
    await t.app.get(TokenRollupsService).flush();
    const globex = await createTenant(t);
    await createProviderAccount(t, globex, 'twilio', { name: 'globex-secret-account' });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('serves one page with a strict content policy and no inline script', async () => {
    const response = await fetch(`${url}/console/endpoints`);
    expect(response.status).toBe(200);
    const policy = response.headers.get('content-security-policy')!;
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "frame-ancestors 'none'",
      "object-src 'none'",
    ]) {
      expect(policy).toContain(directive);
    }
    expect(policy).not.toContain('unsafe-inline');
    const html = await response.text();
    expect(html.match(/<script[^>]*>/g)).toEqual([
      expect.stringMatching(/^<script type="module" src="\/console\/assets\/console\.\w+\.js">$/),
    ]);
    const script = /src="(\/console\/assets\/[^"]+)"/.exec(html)![1];
    const asset = await fetch(`${url}${script}`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${url}/console/assets/console.nothing.js`)).status).toBe(404);
  });

  it('signs in, shows hostile names as text, disables an account, finds a user, keeps the session on reload, signs out', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const refusedScripts: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/.test(message.text())) refusedScripts.push(message.text());
    });
    try {
      await page.goto(`${url}/console`);
      await page.getByLabel('Tenant or admin key').fill('cp_tenant_not-a-key');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByRole('alert').textContent()).resolves.toContain('api_key_invalid');
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'sign-in');

      await page.getByLabel('Tenant or admin key').fill(acme.key);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      const [cookie] = await context.cookies();
      expect(cookie).toMatchObject({ name: '__Host-callpass_console', httpOnly: true, secure: true, sameSite: 'Strict' });
      await page.getByRole('img', { name: '4 issued, 1 refused and 0 failed in the range' }).waitFor();
      expect(await page.locator('canvas').count()).toBe(2);
      expect(await page.getByRole('listitem').filter({ hasText: 'endpoint_disabled' }).textContent()).toContain('1');
      await page.getByRole('button', { name: 'Last week' }).click();
      await page.getByRole('button', { name: 'Last week', pressed: true }).waitFor();
      await page.getByRole('img', { name: '4 issued, 1 refused and 0 failed in the range' }).waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'overview');

      await page.getByRole('link', { name: 'Provider accounts' }).click();
      const row = page.getByRole('row').filter({ hasText: HOSTILE });
      await row.waitFor();
      expect(await page.getByRole('table').textContent()).not.toContain('globex-secret-account');
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'provider-accounts');

      await page.reload();
      await row.getByRole('button', { name: /Disable/ }).click();
      await row.getByRole('cell', { name: 'disabled', exact: true }).waitFor();
      const stored = await t.http.get(`/v1/provider-accounts/${accountId}`).set(bearer(acme.key)).expect(200);
      expect(stored.body.status).toBe('disabled');

      await page.getByRole('link', { name: 'Endpoints' }).click();
      await page.getByLabel('User id').fill(HOSTILE);
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('cell', { name: FORMULA }).waitFor({ state: 'detached' });
      await page.getByRole('cell', { name: HOSTILE }).first().waitFor();
      await page.getByLabel('User id').fill('nobody');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('heading', { name: 'No endpoint for this user' }).waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'endpoints');

      await page.getByRole('link', { name: 'Token log' }).click();
      await page.getByRole('cell', { name: HOSTILE }).first().waitFor();
      await page.getByLabel('Outcome').selectOption('refused');
      await page.getByRole('button', { name: 'Filter' }).click();
      // The unfiltered page showed both: the issued rows go once the filtered one is in.
      await page.getByRole('cell', { name: 'issued', exact: true }).first().waitFor({ state: 'detached' });
      await page.getByRole('cell', { name: 'endpoint_disabled' }).waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'token-log');
      await page.getByLabel('Outcome').selectOption('');
      const exported = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export CSV' }).click();
      const csv = fs.readFileSync(await (await exported).path(), 'utf8');
      expect(csv.split('\r\n')[0]).toBe('id,issuedAt,userId,identity,provider,outcome,errorCode,origin,clientIp,requestCount');
      expect(csv).toContain(`"'=HYPERLINK(""http://attacker.example"",""open"")"`);
      expect(csv.trim().split('\r\n')).toHaveLength(1 + 5);

      expect(await ranHostileScript(page)).toBe(false);
      expect(refusedScripts).toEqual([]);

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      const kept = await t.http.get('/v1/provider-accounts').set('cookie', `${cookie.name}=${cookie.value}`).expect(401);
      expect(kept.body.error.code).toBe('console_session_revoked');
    } finally {
      await context.close();
    }
  });

  it("shows an admin key the operator's tenants, hostile names as text, and suspends one", async () => {
    const hostile = await createTenant(t, { name: HOSTILE });
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await signIn(context, page, url, t.adminKey);
      await page.getByRole('heading', { name: 'Tenants' }).waitFor();
      expect(await page.getByText('Operator (admin key)').count()).toBe(1);
      expect(await page.getByRole('navigation').getByRole('link').allTextContents()).toEqual(['Tenants']);
      const row = page.getByRole('row').filter({ hasText: hostile.slug });
      await row.getByRole('cell', { name: HOSTILE, exact: true }).waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'tenants');
      await row.getByRole('button', { name: /Suspend/ }).click();
      await row.getByRole('cell', { name: 'suspended', exact: true }).waitFor();
      const refused = await t.http.get('/v1/endpoints').set(bearer(hostile.key)).expect(403);
      expect(refused.body.error.code).toBe('tenant_suspended');
      expect(await ranHostileScript(page)).toBe(false);
    } finally {
      await context.close();
    }
  });
});
