import type { Browser, Page } from 'playwright-core';
import { createTenant, TestTenant } from '../factories/tenant.factory';
import { launchBrowser } from '../helpers/browser';
import { HOSTILE, ranHostileScript, screenshot, seriousViolations, signIn } from '../helpers/console-browser';
import { describeWith } from '../helpers/requirements';
import { bearer, createTestApp, TestApp } from '../helpers/test-app';

/** The console's API keys page in Chromium: a key created (shown once) and revoked, and the fresh sign-in creating needs. */
describeWith(['chromium'], 'console: API keys', () => {
  let t: TestApp;
  let url: string;
  let browser: Browser;
  let acme: TestTenant;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    url = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    browser = await launchBrowser();
    acme = await createTenant(t);
    await t.http.post('/v1/api-keys').set(bearer(acme.key)).send({ name: HOSTILE }).expect(201);
    const globex = await createTenant(t);
    await t.http.post('/v1/api-keys').set(bearer(globex.key)).send({ name: 'globex-secret-key' }).expect(201);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Runs `test` on a fresh page, collecting the scripts the content policy refused. */
  const withPage = async (test: (page: Page, refusedScripts: string[]) => Promise<void>) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const refusedScripts: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/.test(message.text())) refusedScripts.push(message.text());
    });
    try {
      await test(page, refusedScripts);
    } finally {
      await context.close();
    }
  };

  it('creates a key shown once that works over HTTP, and revokes one once confirmed; hostile names stay text', () =>
    withPage(async (page, refusedScripts) => {
      await signIn(page.context(), page, url, acme.key);
      await page.getByRole('link', { name: 'API keys' }).click();
      await page.getByRole('heading', { name: 'API keys' }).waitFor();
      await page.getByRole('row').filter({ hasText: HOSTILE }).waitFor();
      await page.getByRole('row').filter({ hasText: "test key (this session's key)" }).waitFor();
      expect(await page.getByRole('table').textContent()).not.toContain('globex-secret-key');

      await page.getByLabel('Key name').fill('from the browser');
      await page.getByRole('button', { name: 'Create key' }).click();
      const shown = page.getByRole('textbox', { name: 'Key "from the browser"' });
      const key = await shown.inputValue();
      expect(key).toMatch(/^cp_tenant_/);
      expect(await shown.getAttribute('readonly')).not.toBeNull();
      await page.getByText('it will not be shown again').waitFor();
      await t.http.get('/v1/provider-accounts').set(bearer(key)).expect(200);
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'api-keys');

      await page.getByRole('button', { name: 'I have copied it' }).click();
      await shown.waitFor({ state: 'detached' });
      await page.getByLabel('Key name').fill('left behind');
      await page.getByRole('button', { name: 'Create key' }).click();
      const leftBehind = await page.getByRole('textbox', { name: 'Key "left behind"' }).inputValue();
      await page.getByRole('link', { name: 'Overview' }).click();
      await page.getByRole('link', { name: 'API keys' }).click();
      await page.getByRole('row').filter({ hasText: 'left behind' }).waitFor();
      expect(await page.content()).not.toContain(leftBehind.slice(-20));
      expect(await page.getByRole('textbox', { name: /^Key "/ }).count()).toBe(0);

      const row = page.getByRole('row').filter({ hasText: 'from the browser' });
      await row.getByRole('button', { name: /^Revoke/ }).click();
      const dialog = page.getByRole('dialog', { name: 'Revoke the key "from the browser"?' });
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
      await t.http.get('/v1/provider-accounts').set(bearer(key)).expect(200);
      await row.getByRole('button', { name: /^Revoke/ }).click();
      expect(await seriousViolations(page)).toEqual([]);
      await dialog.getByRole('button', { name: 'Revoke key' }).click();
      await row.getByRole('button', { name: /^Revoke/ }).waitFor({ state: 'detached' });
      expect((await t.http.get('/v1/provider-accounts').set(bearer(key)).expect(401)).body.error.code).toBe('api_key_revoked');

      await page
        .getByRole('row')
        .filter({ hasText: HOSTILE })
        .getByRole('button', { name: /^Revoke/ })
        .click();
      await page
        .getByRole('dialog', { name: `Revoke the key "${HOSTILE}"?` })
        .getByRole('button', { name: 'Cancel' })
        .click();
      expect(await ranHostileScript(page)).toBe(false);
      expect(refusedScripts).toEqual([]);
    }));

  it('refuses to create a key more than 5 minutes after sign-in, with its code, and creates once signed in again', () =>
    withPage(async (page) => {
      await signIn(page.context(), page, url, acme.key);
      await page.getByRole('link', { name: 'API keys' }).click();
      t.clock.advance(5 * 60_000 + 1_000);
      await page.getByLabel('Key name').fill('too late');
      await page.getByRole('button', { name: 'Create key' }).click();
      const alert = page.getByRole('alert');
      await expect(alert.textContent()).resolves.toMatch(/^Sign in again to do this: .* console_reauthentication_required$/);
      expect(await page.getByRole('textbox', { name: /^Key "/ }).count()).toBe(0);
      expect(await seriousViolations(page)).toEqual([]);

      await page.getByRole('button', { name: 'Sign in again' }).click();
      await page.getByLabel('Tenant or admin key').fill(acme.key);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'API keys' }).waitFor();
      await page.getByLabel('Key name').fill('after signing in again');
      await page.getByRole('button', { name: 'Create key' }).click();
      const key = await page.getByRole('textbox', { name: 'Key "after signing in again"' }).inputValue();
      await t.http.get('/v1/provider-accounts').set(bearer(key)).expect(200);
    }));

  it('is a tenant page: an admin session is not offered it, and its address shows the operator a page of theirs', () =>
    withPage(async (page) => {
      await signIn(page.context(), page, url, t.adminKey);
      expect(await page.getByRole('link', { name: 'API keys' }).count()).toBe(0);
      await page.goto(`${url}/console/api-keys`);
      await page.getByRole('heading', { name: 'Tenants', level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).not.toBe('API keys');
      expect(await page.getByRole('button', { name: 'Create key' }).count()).toBe(0);
      expect(await page.getByRole('alert').count()).toBe(0);
      expect(await seriousViolations(page)).toEqual([]);
    }));
});
