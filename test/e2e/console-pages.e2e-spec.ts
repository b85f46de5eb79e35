import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { providerKits } from '../../src/providers/provider-kits';
import { validCredentials } from '../factories/credentials.factory';
import { launchBrowser } from '../helpers/browser';
import { HOSTILE, ranHostileScript, screenshot, seriousViolations, signIn } from '../helpers/console-browser';
import { configureEndUserAuth, createSession } from '../helpers/end-users';
import { createIssuingContext, IssuingContext } from '../helpers/issuing';
import { describeWith } from '../helpers/requirements';
import { bearer } from '../helpers/test-app';

/** The console's pages for accounts, endpoints, sessions, audit events and settings, in Chromium against the service. */
describeWith(['chromium'], 'console pages in a browser', () => {
  let ctx: IssuingContext;
  let url: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let failingAccountId: string;
  const dialogs: string[] = [];

  beforeAll(async () => {
    ctx = await createIssuingContext();
    await ctx.t.app.listen(0, '127.0.0.1');
    url = (await ctx.t.app.getUrl()).replace('[::1]', '127.0.0.1');
    browser = await launchBrowser();
    // A Plivo account whose calls fail until its circuit opens: the provider accounts page shows it.
    failingAccountId = await ctx.createAccount(providerKits.plivo.emulatedAccount(ctx.emulators.plivo), { name: HOSTILE });
    const failing = await ctx.createEndpoint(failingAccountId, { userId: HOSTILE, identity: 'hostile1' });
    ctx.emulators.plivo.failNext(6, { kind: 'status', status: 500 });
    for (let attempt = 0; attempt < 3; attempt += 1) await ctx.issue({ endpointId: failing.id }).expect(503);
    await configureEndUserAuth(ctx.t, ctx.tenant, { sessions: true });
    await createSession(ctx.t, ctx.tenant, { userId: HOSTILE });
    await createSession(ctx.t, ctx.tenant, { userId: 'bob' });
    context = await browser.newContext({ acceptDownloads: true });
    page = await context.newPage();
    // A hostile string that ran could also open a dialog (Playwright dismisses them): none may open.
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await signIn(context, page, url, ctx.tenant.key);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await ctx?.close();
  });
  afterEach(async () => {
    expect(await ranHostileScript(page)).toBe(false);
    expect(dialogs).toEqual([]);
  });

  const open = async (title: string) => {
    await page.getByRole('link', { name: title, exact: true }).click();
    await page.getByRole('heading', { name: title, level: 1 }).waitFor();
  };
  const checked = async (name: string) => {
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, name);
  };

  it('adds an account with write-only secrets, renames it and rotates them, shows an open circuit, and refuses bad input in words', async () => {
    await open('Provider accounts');
    const failingRow = page.getByRole('row').filter({ hasText: 'plivo' });
    await failingRow.getByRole('cell', { name: /^open: calls fail at once until/ }).waitFor();

    const { config, secrets } = validCredentials.twilio();
    await page.getByLabel('Name').fill('Twilio from the console');
    await page.getByLabel('Config (JSON)').fill(JSON.stringify(config));
    await page.getByLabel(/^Secrets \(JSON/).fill('{"apiKeySecret": ');
    await page.getByRole('button', { name: 'Add account' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('invalid_json');
    await page.getByLabel(/^Secrets \(JSON/).fill(JSON.stringify({ apiKeySecret: 'short' }));
    await page.getByRole('button', { name: 'Add account' }).click();
    await page.getByRole('alert').filter({ hasText: 'validation_failed' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('secrets.apiKeySecret');
    await page.getByLabel(/^Secrets \(JSON/).fill(JSON.stringify(secrets));
    await page.getByRole('button', { name: 'Add account' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Twilio from the console' });
    await row.waitFor();
    // Only a masked hint of the secret is on the page, never the secret.
    expect(await page.content()).not.toContain(secrets.apiKeySecret);
    expect(await row.textContent()).toContain(`apiKeySecret ****${secrets.apiKeySecret.slice(-4)}`);
    await checked('provider-accounts');

    const rotated = validCredentials.twilio().secrets.apiKeySecret;
    await row.getByRole('button', { name: /Edit/ }).click();
    await page.getByLabel('New name').fill('Twilio, renamed');
    await page.getByLabel(/^New secrets/).fill(JSON.stringify({ apiKeySecret: rotated }));
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved Twilio, renamed.' }).waitFor();
    const renamed = page.getByRole('row').filter({ hasText: 'Twilio, renamed' });
    expect(await renamed.textContent()).toContain(`****${rotated.slice(-4)}`);
    const accounts = await ctx.t.http.get('/v1/provider-accounts').set(bearer(ctx.tenant.key)).expect(200);
    const stored = accounts.body.data.find((account: { name: string }) => account.name === 'Twilio, renamed');
    expect(stored.secrets.apiKeySecret).toBe(`****${rotated.slice(-4)}`);
    expect(accounts.body.data.find((account: { id: string }) => account.id === failingAccountId).circuit.state).toBe('open');
  });

  it('finds the user behind an identity, and disables an endpoint', async () => {
    const accountId = await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio));
    const endpoint = await ctx.createEndpoint(accountId, { userId: 'carol@example.com', identity: 'carol_1' });
    await open('Endpoints');
    await page.getByLabel('Find by').selectOption('identity');
    await page.getByLabel('Identity').fill(endpoint.identity);
    await Promise.all([
      page.waitForResponse((response) => response.url().includes(`identity=${endpoint.identity}`)),
      page.getByRole('button', { name: 'Search' }).click(),
    ]);
    const row = page.getByRole('row').filter({ hasText: endpoint.identity });
    await row.getByRole('cell', { name: 'carol@example.com' }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
    await row.getByRole('button', { name: /Disable/ }).click();
    await row.getByRole('cell', { name: 'disabled', exact: true }).waitFor();
    expect((await ctx.issue({ endpointId: endpoint.id }).expect(403)).body.error.code).toBe('endpoint_disabled');
    await checked('endpoints-by-identity');
  });

  it('lists sessions with hostile user ids as text, revokes one, and signs a user out everywhere', async () => {
    await open('Sessions and users');
    const hostileRow = page.getByRole('row').filter({ hasText: HOSTILE });
    await hostileRow.getByRole('cell', { name: HOSTILE, exact: true }).waitFor();
    await checked('sessions');
    await hostileRow.getByRole('button', { name: /Revoke/ }).click();
    await hostileRow.getByRole('cell', { name: 'revoked', exact: true }).waitFor();

    await page.getByLabel('User id').fill('bob');
    await page.getByRole('button', { name: 'Sign this user out everywhere' }).click();
    await page.getByRole('status').filter({ hasText: 'bob is signed out: 1 sessions revoked' }).waitFor();
    const sessions = await ctx.t.http.get('/v1/sessions').set(bearer(ctx.tenant.key)).expect(200);
    expect(sessions.body.data.map((session: { revokedAt: string | null }) => session.revokedAt !== null)).toEqual([true, true]);
  });

  it('shows audit events with hostile details as text, verifies the chains now, and exports them', async () => {
    await open('Audit events');
    await page.getByRole('cell', { name: 'provider_account.created' }).first().waitFor();
    // Details are shown as JSON: the hostile account name is there as text, its quotes escaped.
    expect(await page.getByRole('table').textContent()).toContain(JSON.stringify({ name: HOSTILE, provider: 'plivo' }));
    await page.getByRole('button', { name: 'Verify now' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Intact: \d+ rows in 2 chains checked at/ })
      .waitFor();
    await page.getByLabel('Action').fill('provider_account.updated');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('cell', { name: 'provider_account.created' }).first().waitFor({ state: 'detached' });
    await checked('audit-events');

    const exported = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export NDJSON' }).click();
    const lines = fs
      .readFileSync(await (await exported).path(), 'utf8')
      .trim()
      .split('\n');
    const events = lines.map((line) => JSON.parse(line) as { action: string; details: { secretFieldsChanged?: string[] } });
    expect(events.map((event) => event.action)).toEqual(['provider_account.updated']);
    expect(events[0].details.secretFieldsChanged).toEqual(['apiKeySecret']);
  });

  it('saves origins, lifetimes and a lowered limit, and shows a limit above its cap refused with its code', async () => {
    await open('Settings');
    await page.getByLabel(/^Pages on these origins/).fill('https://app.example.com\nhttps://admin.example.com:8443');
    await page.getByLabel('When a request names none').fill('300');
    await page.getByLabel('The longest a request may ask for').fill('900');
    await page.getByLabel(/^Tokens per user per minute/).fill('5');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const stored = await ctx.t.http.get('/v1/settings').set(bearer(ctx.tenant.key)).expect(200);
    expect(stored.body).toMatchObject({
      allowedOrigins: ['https://app.example.com', 'https://admin.example.com:8443'],
      tokenTtl: { defaultSeconds: 300, maxSeconds: 900 },
      rateLimits: { userPerMinute: 5 },
    });
    await checked('settings');

    await page.getByLabel(/^Tokens per user per minute/).fill('11');
    await page.getByRole('button', { name: 'Save settings' }).click();
    const refusal = page.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('above the most your operator allows');
    expect(await refusal.textContent()).toContain('rate_limit_above_cap');
    await page.getByLabel(/^Pages on these origins/).fill(`https://app.example.com${HOSTILE}`);
    await page.getByLabel(/^Tokens per user per minute/).fill('5');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('alert').filter({ hasText: 'each allowed origin must be scheme://host[:port]' }).waitFor();
    expect((await ctx.t.http.get('/v1/settings').set(bearer(ctx.tenant.key)).expect(200)).body).toEqual(stored.body);
  });
});
