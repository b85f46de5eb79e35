import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { TokenRollupsService } from '../../src/overview/token-rollups.service';
import { createEndpoint, createProviderAccount, createTenant, TestTenant } from '../factories/tenant.factory';
import { launchBrowser } from '../helpers/browser';
import { describeWith } from '../helpers/requirements';
import { bearer, createTestApp, TestApp } from '../helpers/test-app';

/** Screenshots of each page, for people to look at (gitignored). */
const SCREENSHOTS = path.join('test-artifacts', 'console');
/** Tenant-controlled text that would run script if the console rendered it as markup. */
const HOSTILE = '<img src=x onerror="window.__xss=1">"\'><script>window.__xss=2</script>';
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
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Serious or critical accessibility violations on the page as it is now (axe-core). */
  const seriousViolations = async (page: Page) =>
    (await new AxeBuilder({ page }).analyze()).violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);

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
      await page.screenshot({ path: path.join(SCREENSHOTS, 'sign-in.png'), fullPage: true });

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
      await page.screenshot({ path: path.join(SCREENSHOTS, 'overview.png'), fullPage: true });

      await page.getByRole('link', { name: 'Provider accounts' }).click();
      const row = page.getByRole('row').filter({ hasText: HOSTILE });
      await row.waitFor();
      expect(await page.getByRole('table').textContent()).not.toContain('globex-secret-account');
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'provider-accounts.png'), fullPage: true });

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
      await page.screenshot({ path: path.join(SCREENSHOTS, 'endpoints.png'), fullPage: true });

      await page.getByRole('link', { name: 'Token log' }).click();
      await page.getByRole('cell', { name: HOSTILE }).first().waitFor();
      await page.getByLabel('Outcome').selectOption('refused');
      await page.getByRole('button', { name: 'Filter' }).click();
      // The unfiltered page showed both: the issued rows go once the filtered one is in.
      await page.getByRole('cell', { name: 'issued', exact: true }).first().waitFor({ state: 'detached' });
      await page.getByRole('cell', { name: 'endpoint_disabled' }).waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'token-log.png'), fullPage: true });
      await page.getByLabel('Outcome').selectOption('');
      const exported = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export CSV' }).click();
      const csv = fs.readFileSync(await (await exported).path(), 'utf8');
      expect(csv.split('\r\n')[0]).toBe('id,issuedAt,userId,identity,provider,outcome,errorCode,origin,clientIp,requestCount');
      expect(csv).toContain(`"'=HYPERLINK(""http://attacker.example"",""open"")"`);
      expect(csv.trim().split('\r\n')).toHaveLength(1 + 5);

      expect(await page.evaluate('window.__xss')).toBeUndefined();
      expect(refusedScripts).toEqual([]);

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      const kept = await t.http.get('/v1/provider-accounts').set('cookie', `${cookie.name}=${cookie.value}`).expect(401);
      expect(kept.body.error.code).toBe('console_session_revoked');
    } finally {
      await context.close();
    }
  });

  it("tells an admin key that the pages are a tenant's, rather than showing its refusals", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${url}/console`);
      await page.getByLabel('Tenant or admin key').fill(t.adminKey);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: "These pages are a tenant's" }).waitFor();
      expect(await page.getByText('Operator (admin key)').count()).toBe(1);
      expect(await page.getByRole('alert').count()).toBe(0);
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
