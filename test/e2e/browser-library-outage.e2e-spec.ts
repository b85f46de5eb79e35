import { createCredentialProvider } from '../../src/browser-client/credential-provider';
import { providerKits } from '../../src/providers/provider-kits';
import { configureEndUserAuth, createSession, setTenantSettings } from '../helpers/end-users';
import { FakePage } from '../helpers/fake-page';
import { fakeDateOnly } from '../helpers/fake-clock';
import { createIssuingContext, IssuingContext } from '../helpers/issuing';

/**
 * A provider's outage as a signed-in user's page lives through it: @callpass/browser against the real browser route
 * (over HTTP), a Plivo account whose emulator answers 503, the user's limit at 3 requests a minute. The page's clock is
 * the test's; the network is real.
 */
describe('@callpass/browser through a provider outage', () => {
  let ctx: IssuingContext;
  let baseUrl: string;
  let session: string;
  let identity: string;

  beforeAll(async () => {
    fakeDateOnly(); // the rate limits' minute stands still: the whole outage falls in one window
    ctx = await createIssuingContext();
    await ctx.t.app.listen(0, '127.0.0.1');
    baseUrl = (await ctx.t.app.getUrl()).replace('[::1]', '127.0.0.1');
    const account = await ctx.createAccount(providerKits.plivo.emulatedAccount(ctx.emulators.plivo));
    ({ identity } = await ctx.createEndpoint(account, { userId: 'dana', identity: 'dana', provision: true }));
    await configureEndUserAuth(ctx.t, ctx.tenant, { sessions: true });
    await setTenantSettings(ctx.t, ctx.tenant, { rateLimits: { userPerMinute: 3 } });
    ({ session } = await createSession(ctx.t, ctx.tenant, { userId: 'dana' }));
  });
  afterAll(async () => {
    jest.useRealTimers();
    await ctx?.close();
  });

  it('retries with growing waits, is never told the user asked too often, and gets its token once the provider is back', async () => {
    ctx.emulators.plivo.failNext(1000, { kind: 'status', status: 503 });
    const page = new FakePage();
    page.fetch = (url, init) => globalThis.fetch(url, init);
    page.random = () => 1;
    const tokens = createCredentialProvider({
      baseUrl,
      tenant: ctx.tenant.slug,
      provider: 'plivo',
      getCredential: () => session,
      environment: page,
    });
    const events: string[] = [];
    tokens.on('error', (error) => events.push(`${error.code} (${error.status}), retrying in ${error.retryInMs} ms`));
    tokens.on('token', (token) => events.push(`token for ${token.identity === identity ? 'dana' : token.identity}`));
    const pending = tokens.getToken();
    /** Lets the page's request cross the real network, then moves its clock to its next try. */
    const nextTry = async () => {
      const seen = events.length;
      while (events.length === seen) await new Promise((resolve) => setImmediate(resolve));
      await page.advance(60_000);
    };
    for (let attempt = 0; attempt < 5; attempt += 1) await nextTry();

    ctx.emulators.plivo.clearFaults();
    ctx.clock.advance(60_000); // the circuit the outage opened lets a call through again
    for (let tries = 0; tries < 5 && !events.at(-1)?.startsWith('token'); tries += 1) await nextTry();
    expect(events).toEqual([
      'provider_unavailable (503), retrying in 1000 ms',
      'provider_unavailable (503), retrying in 2000 ms',
      'provider_unavailable (503), retrying in 4000 ms',
      'provider_unavailable (503), retrying in 8000 ms',
      'provider_unavailable (503), retrying in 16000 ms',
      'token for dana',
    ]);
    expect((await pending).identity).toBe(identity);
    tokens.dispose();
  });
});
