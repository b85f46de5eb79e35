import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PROVIDER_KITS } from '../../src/providers/provider-kits';
import { launchBrowser } from '../helpers/browser';
import { namedBlocks } from '../helpers/docs';
import { SandboxProcess, startSandbox } from '../helpers/sandbox-process';
import { describeWith } from '../helpers/requirements';

/** The providers whose browser SDK @callpass/browser binds. */
const SDK_PROVIDERS = ['twilio', 'plivo', 'signalwire', 'bandwidth', 'telnyx', 'vonage'] as const;
/** Past every first token's refreshAfter (8 min of 10) and SignalWire's own refresh (5 s before expiry). */
const PAST_REFRESH = '09:56';
/** What the checks below read of a page (they run in the page, not here). */
type PageGlobals = { document: { querySelector(selector: string): { textContent: string | null } | null }; harness: Harness };
type Reading = {
  sdk?: string;
  callpass?: string;
  id?: string;
  handed?: number;
  fingerprints?: string[];
  sdkMayAskCallpassToRefresh?: boolean;
  region?: string;
  relogins?: string[];
};
type Harness = { start(name: string): Promise<void>; read(name: string): Reading };

const UNTIL_MS = 30_000;

/**
 * Moves the page's clock on in small steps until `check` holds in the page. With the clock installed the page's own
 * timers (and so Playwright's usual waiting) stand still; the network does not, and each step lets answers land.
 * Bounded by time on the test's own clock, not by a number of steps: on a busy CI machine a refresh once did not land
 * within the 400 steps a fixed count allowed (10 s of page time, run through in a few seconds).
 */
async function until<A>(page: Page, check: (arg: A) => boolean, arg: A): Promise<void> {
  const deadline = performance.now() + UNTIL_MS;
  while (performance.now() < deadline) {
    if (await page.evaluate(check as (arg: unknown) => boolean, arg as unknown)) return;
    await page.clock.runFor(25);
  }
  throw new Error(`never held in the page within ${UNTIL_MS} ms: ${check.toString()} with ${JSON.stringify(arg)}`);
}
/** Screenshots for a person to look at; kept out of git. */
const ARTIFACTS = path.resolve('test-artifacts');

/** Files the SDK harness page loads, served by the browser itself (Playwright routes) at the sandbox's origin. */
const HARNESS_FILES: Record<string, string> = {
  'index.html': 'test/browser/index.html',
  'sdk-harness.js': 'test/browser/sdk-harness.js',
  'twilio.min.js': 'node_modules/@twilio/voice-sdk/dist/twilio.min.js',
  'plivobrowsersdk.js': 'node_modules/plivo-browser-sdk/dist/plivobrowsersdk.js',
  'signalwire.umd.js': 'node_modules/@signalwire/js/dist/browser.umd.js',
  'bw_webrtc_sdk.js': 'node_modules/@bandwidth/bw-webrtc-sdk/dist/bw_webrtc_sdk.js',
  'telnyx.js': 'node_modules/@telnyx/webrtc/lib/bundle.js',
  'vonageClientSDK.min.js': 'node_modules/@vonage/client-sdk/dist/vonageClientSDK.min.js',
};

/** The snippets of docs/browser.md, each with what shows it worked, in order. */
const DOCUMENTED_SNIPPETS = (() => {
  const snippets = namedBlocks('docs/browser.md', 'sdk', 'js');
  const checks = [
    'device.token === twilio.current.token',
    'plivo.client.accessToken === plivoTokens.current.token',
    'client instanceof SignalWire.SignalWire',
    'typeof bandwidth.current.token === "string"',
    'telnyx.options.login_token === telnyxTokens.current.token',
  ];
  return snippets.map((snippet, index) => ({ snippet, check: checks[index] }));
})();

/** A documented snippet as a module: the names docs/browser.md says it imports, a signed-in user, then the snippet as written. */
function snippetModule(snippet: string, check: string, userId: string): string {
  return [
    "import { createCredentialProvider, bindTwilioDevice, bindPlivoClient, signalwireCredentials, bindBandwidthUA, bindTelnyxClient } from '/demo/lib/index.js';",
    "import { BandwidthUA } from '/sdk-harness/bw_webrtc_sdk.js';",
    'const CALLPASS = location.origin;',
    `const { tenant: TENANT, getCredential } = await window.harness.signIn(${JSON.stringify(userId)});`,
    snippet,
    `export const worked = () => ${check};`,
  ].join('\n');
}

describeWith(['chromium'], 'in Chromium, against the sandbox', () => {
  let sandbox: SandboxProcess;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    [sandbox, browser] = await Promise.all([startSandbox(), launchBrowser()]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  });

  /** A fresh page whose clock the test moves (Playwright's clock: Date and timers; the network stays real). */
  async function openPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 900, height: 1000 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.clock.install();
    return page;
  }
  const text = (page: Page, selector: string) => page.locator(selector).innerText();

  describe('the demo page', () => {
    it.each(PROVIDER_KITS.map((kit) => kit.name))(
      '%s: signs in, shows the token, and a new one arrives once the page clock passes refreshAfter',
      async (provider) => {
        const page = await openPage();
        const notFound: string[] = [];
        page.on('response', (response) => void (response.status() === 404 && notFound.push(response.url())));
        await page.goto(`${sandbox.url}/demo`);
        await page.fill('#user', `demo-${provider}`);
        await page.click('button[type=submit]');
        await page.click(`[data-provider=${provider}]`);
        await page.waitForSelector('#status[data-state=active]');
        expect(notFound).toEqual([]);
        expect(await text(page, '#token-count')).toBe('1');
        expect(await text(page, '#identity')).not.toBe('–');
        // m:ss, or h:mm:ss for a day's token (Telnyx's): never 1440:00.
        expect(await text(page, '#expires-in')).toMatch(/^(\d+:[0-5]\d:[0-5]\d|[0-5]?\d:[0-5]\d)$/);
        if (provider === 'vonage') expect(await text(page, '#region')).toBe('US');
        else expect(await page.locator('#region-fact').isHidden()).toBe(true);
        const firstClaims = await text(page, '#claims');
        // SignalWire's SAT is encrypted (JWE): the page says so instead of showing claims.
        expect(firstClaims).toMatch(provider === 'signalwire' ? /not a readable JWT/ : /"claims"/);

        // Past the refresh the page counts down to (some providers set a day's lifetime themselves).
        const refreshInSeconds = (await text(page, '#refresh-in'))
          .split(':')
          .map(Number)
          .reduce((total, part) => total * 60 + part);
        await page.clock.fastForward((refreshInSeconds + 5) * 1000);
        await until(page, () => (globalThis as unknown as PageGlobals).document.querySelector('#token-count')?.textContent === '2', null);
        expect(await text(page, '#log')).toContain('Refreshed ahead of expiry');
        expect(await text(page, '#status')).toBe('Token active');
        await page.screenshot({ path: path.join(ARTIFACTS, `demo-${provider}.png`), fullPage: true });
      },
    );

    it('says what is wrong with a user name it refuses', async () => {
      const page = await openPage();
      await page.goto(`${sandbox.url}/demo`);
      await page.fill('#user', 'Not A Name');
      await page.click('button[type=submit]');
      await page.waitForSelector('#signed-in.failed');
      expect(await text(page, '#signed-in')).toContain('userId must be 1-32 lower-case letters');
    });

    it('shows a user the tenant signed out as signed out, with no token counting down', async () => {
      const tenantKey = /tenant key: (cp_tenant_\S+)/.exec(sandbox.guide.join('\n'))?.[1];
      const page = await openPage();
      await page.goto(`${sandbox.url}/demo`);
      await page.fill('#user', 'demo-revoked');
      await page.click('button[type=submit]');
      await page.click('[data-provider=twilio]');
      await page.waitForSelector('#status[data-state=active]');
      expect(await text(page, '#signed-in')).toBe('Signed in as demo-revoked');
      const revoked = await fetch(`${sandbox.url}/v1/users/demo-revoked/revoke`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tenantKey}` },
      });
      expect(revoked.status).toBe(200);
      await page.click('#refresh-now');
      await page.waitForSelector('#status[data-state=failed]');
      expect(await text(page, '#signed-in')).toBe('Signed out: sign in again to get new tokens');
      expect(await page.locator('#signed-in.failed').count()).toBe(1);
      expect({ expires: await text(page, '#expires-in'), refresh: await text(page, '#refresh-in') }).toEqual({
        expires: '–',
        refresh: '–',
      });
      expect(await text(page, '#problem')).toContain('sign-in has ended');
    });

    it('signs in with an answer holding the session and the providers to show, and nothing else, never cached', async () => {
      const response = await fetch(`${sandbox.url}/demo/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'keys' }),
      });
      expect(response.status).toBe(201);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const answer = (await response.json()) as Record<string, unknown>;
      expect(Object.keys(answer).sort()).toEqual(['expiresAt', 'providers', 'session', 'tenant', 'userId']);
      expect(answer.providers).toEqual(PROVIDER_KITS.map(({ name, title }) => ({ name, title })));
      expect(answer.session).toMatch(/^cp_sess_/);
    });

    it('gives a page on an origin the tenant did not allow no token, and says why in words', async () => {
      const page = await openPage();
      // Same server, other origin: the tenant allows only the sandbox's 127.0.0.1 address.
      await page.goto(`${sandbox.url.replace('127.0.0.1', 'localhost')}/demo`);
      await page.click('button[type=submit]');
      await page.waitForSelector('#status[data-state=failed]');
      expect(await text(page, '#problem')).toContain("is not on the demo tenant's list of allowed origins");
      expect(await text(page, '#token-count')).toBe('0');
      expect(await text(page, '#claims')).toBe('No token yet.');
      await page.screenshot({ path: path.join(ARTIFACTS, 'demo-foreign-origin.png'), fullPage: true });
    });
  });

  describe("the official SDKs, fed through the library's adapters", () => {
    async function openHarness(modules: Record<string, string> = {}): Promise<Page> {
      const page = await openPage();
      await page.route(`${sandbox.url}/sdk-harness/**`, (route) => {
        const name = new URL(route.request().url()).pathname.slice('/sdk-harness/'.length);
        if (modules[name]) return route.fulfill({ body: modules[name], contentType: 'text/javascript' });
        const file = HARNESS_FILES[name];
        return file ? route.fulfill({ path: file, contentType: file.endsWith('.html') ? 'text/html' : 'text/javascript' }) : route.abort();
      });
      await page.goto(`${sandbox.url}/sdk-harness/index.html`);
      await page.waitForFunction(() => 'harness' in globalThis);
      return page;
    }
    const read = (page: Page, provider: string) =>
      page.evaluate((name) => (globalThis as unknown as PageGlobals).harness.read(name), provider);
    const sdkHoldsCallpassToken = (name: string) => {
      const reading = (globalThis as unknown as PageGlobals).harness.read(name);
      return reading.sdk !== undefined && reading.sdk === reading.callpass;
    };

    it.each(SDK_PROVIDERS)('%s: the SDK holds the first token, then the refreshed one', async (provider) => {
      const page = await openHarness();
      await page.evaluate((name) => (globalThis as unknown as PageGlobals).harness.start(name), provider);
      await until(page, sdkHoldsCallpassToken, provider);
      const first = await read(page, provider);
      expect(first.sdk).toMatch(/^eyJ/);

      // Telnyx's tokens live the 24 h Telnyx gives them: refreshed after about 19 h.
      await page.clock.fastForward(provider === 'telnyx' ? '24:00:00' : PAST_REFRESH);
      await until(
        page,
        ({ name, before }) => {
          const reading = (globalThis as unknown as PageGlobals).harness.read(name);
          return reading.id !== before && reading.handed === 2 && reading.sdk === reading.callpass;
        },
        { name: provider, before: first.id },
      );
      const refreshed = await read(page, provider);
      expect(first.handed).toBe(1);
      // The server's clock has not moved with the page's: Twilio's and Plivo's tokens minted in the same second,
      // and Bandwidth's cached one, come out the same; SignalWire's always differ.
      if (provider === 'signalwire') expect(refreshed.sdk).not.toBe(first.sdk);
      // The sandbox's Vonage account is in the US: the client is made for that region.
      if (provider === 'vonage') expect(refreshed.region).toBe('US');
      // Telnyx: the refreshed token went to the SDK's own login() on the (open) socket.
      if (provider === 'telnyx') expect(refreshed.relogins).toEqual([refreshed.callpass]);
    });
    it("SignalWire, client-bound: the SDK's key fingerprint goes with the first token, and refreshing is left to the SDK", async () => {
      const page = await openHarness();
      await page.evaluate(() => (globalThis as unknown as PageGlobals).harness.start('signalwireBound'));
      await until(page, sdkHoldsCallpassToken, 'signalwireBound');
      const reading = await read(page, 'signalwireBound');
      expect(reading.fingerprints).toEqual([expect.stringMatching(/^[\w-]{43}$/)]);
      // Without a refresh() the SDK renews the SAT at SignalWire with its key once connected (offline here).
      expect(reading.sdkMayAskCallpassToRefresh).toBe(false);
      await page.clock.fastForward(PAST_REFRESH);
      await page.clock.runFor(1_000);
      expect((await read(page, 'signalwireBound')).fingerprints).toHaveLength(1);
    });

    it("runs docs/browser.md's snippets as written, one per SDK", async () => {
      expect(DOCUMENTED_SNIPPETS).toHaveLength(5);
      const modules = Object.fromEntries(
        DOCUMENTED_SNIPPETS.map(({ snippet, check }, index) => [`readme-${index}.js`, snippetModule(snippet, check, `readme-${index}`)]),
      );
      const page = await openHarness(modules);
      for (const name of Object.keys(modules)) {
        // A string, not a function: this file is compiled to CommonJS, which would rewrite import().
        const worked = await page.evaluate(`import('/sdk-harness/${name}').then((snippet) => snippet.worked())`);
        expect({ name, worked }).toEqual({ name, worked: true });
      }
    });
  });
});
