import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { BrowserClientFilesService } from '../../src/browser-client-hosting/browser-client-files.service';
import { launchBrowser } from '../helpers/browser';
import { readDoc } from '../helpers/docs';
import { itWith } from '../helpers/requirements';
import { createTestApp, TestApp } from '../helpers/test-app';

const VERSION = (JSON.parse(fs.readFileSync('src/browser-client/package.json', 'utf8')) as { version: string }).version;
const SCRIPT = fs.readFileSync('src/browser-client/dist/callpass-browser.min.js');
const SCRIPT_URL = `/v1/browser/${VERSION}/callpass-browser.${createHash('sha256').update(SCRIPT).digest('hex').slice(0, 16)}.min.js`;
const integrityOf = (body: Buffer) => `sha384-${createHash('sha384').update(body).digest('base64')}`;

/** @callpass/browser served by Callpass for a `<script>` tag: versioned, immutable, with its integrity hash. */
describe('the browser library, served', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('names its version, URL and integrity hash, to any origin and without a key', async () => {
    const script = SCRIPT;
    const response = await t.http.get('/v1/browser').set({ origin: 'https://app.tenant.example' }).expect(200);
    expect(response.body).toEqual({
      name: '@callpass/browser',
      version: VERSION,
      script: { url: SCRIPT_URL, integrity: integrityOf(script), bytes: script.length },
    });
    expect(response.headers['access-control-allow-origin']).toBe('*');
  });

  it('serves the script at a URL naming its version and its bytes, cached for good', async () => {
    const response = await t.http
      .get(SCRIPT_URL)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=31536000, immutable',
      'access-control-allow-origin': '*',
      'cross-origin-resource-policy': 'cross-origin',
    });
    const { body } = await t.http.get('/v1/browser');
    expect(integrityOf(response.body as Buffer)).toBe(body.script.integrity);
  });

  it('refuses another build, of this version or another, naming the one it serves', async () => {
    const others = [
      `/v1/browser/0.0.1/callpass-browser.${'0'.repeat(16)}.min.js`,
      SCRIPT_URL.replace(/\.[0-9a-f]{16}\./, `.${'0'.repeat(16)}.`),
      `/v1/browser/${VERSION}/callpass-browser.min.js`,
    ];
    for (const url of others) {
      const response = await t.http.get(url).expect(404);
      expect(response.body.error).toMatchObject({ code: 'browser_client_build_unknown', details: { served: SCRIPT_URL } });
    }
  });

  it("README's script tag carries the hash of the script served", async () => {
    const { body } = await t.http.get('/v1/browser');
    const tag = readDoc('src/browser-client/README.md').match(/<script src="https:\/\/callpass\.example\.com([^"]+)" integrity="([^"]+)"/);
    expect({ url: tag?.[1], integrity: tag?.[2] }).toEqual({ url: body.script.url, integrity: body.script.integrity });
  });

  itWith(['chromium'], "a tenant's page loads it with its integrity hash, and refuses a file that does not match", async () => {
    await t.app.listen(0, '127.0.0.1');
    const callpass = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    const { body } = await t.http.get('/v1/browser');
    const browser: Browser = await launchBrowser();
    // The tenant's page, on an origin of its own (on loopback: Chromium keeps pages elsewhere off loopback addresses).
    let integrity = '';
    const tenantPage = createServer((_request, response) => {
      response.setHeader('content-type', 'text/html');
      response.end(`<!doctype html><script src="${callpass}${body.script.url}" integrity="${integrity}" crossorigin="anonymous"></script>`);
    });
    await new Promise<void>((resolve) => tenantPage.listen(0, '127.0.0.1', resolve));
    try {
      const loadWith = async (hash: string) => {
        integrity = hash;
        const page = await browser.newPage();
        await page.goto(`http://127.0.0.1:${(tenantPage.address() as AddressInfo).port}/`);
        return page.evaluate(
          () => typeof (globalThis as { Callpass?: { createCredentialProvider?: unknown } }).Callpass?.createCredentialProvider,
        );
      };
      expect(await loadWith(body.script.integrity)).toBe('function');
      expect(await loadWith(integrityOf(Buffer.from('another file')))).toBe('undefined');
    } finally {
      await browser.close();
      tenantPage.close();
    }
  });
});

describe('the browser library, on a server deployed without its build', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ overrides: [{ provide: BrowserClientFilesService, useValue: { build: undefined } }] });
  });
  afterAll(() => t.close());

  it('says so with 503, on both routes', async () => {
    for (const url of ['/v1/browser', SCRIPT_URL]) {
      const response = await t.http.get(url).expect(503);
      expect(response.body.error.code).toBe('browser_client_not_built');
    }
  });
});
