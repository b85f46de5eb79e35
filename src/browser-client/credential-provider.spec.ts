import { errorAnswer, FakePage, tokenAnswer } from '../../test/helpers/fake-page';
import { createCredentialProvider, CredentialProviderOptions } from './credential-provider.js';

describe('credential provider', () => {
  let page: FakePage;
  let credentials: string[];
  const create = (overrides: Partial<CredentialProviderOptions> = {}) =>
    createCredentialProvider({
      baseUrl: 'https://callpass.example/',
      tenant: 'acme',
      provider: 'twilio',
      getCredential: () => credentials.shift() ?? 'no-more-credentials',
      environment: page,
      ...overrides,
    });

  beforeEach(() => {
    page = new FakePage();
    credentials = ['jwt-1', 'jwt-2', 'jwt-3'];
  });

  it("fetches with the user's credential and asks for what the app named", async () => {
    page.answers.push(tokenAnswer('t1', page.time));
    const provider = create({ capabilities: ['outgoing'], ttlSeconds: 900 });
    const token = await provider.getToken();
    expect(token.token).toBe('token-t1');
    expect(page.requests).toEqual([
      {
        url: 'https://callpass.example/v1/client/acme/tokens',
        authorization: 'Bearer jwt-1',
        body: { provider: 'twilio', capabilities: ['outgoing'], ttlSeconds: 900 },
      },
    ]);
    // Still valid: no second request.
    expect(await provider.getToken()).toBe(token);
    expect(page.requests).toHaveLength(1);
    provider.dispose();
  });

  it('refreshes at refreshAfter measured on the server clock, however far the browser clock is off', async () => {
    const skew = -3_600_000; // the server is an hour behind this browser
    page.random = () => 0; // no jitter: refresh exactly at refreshAfter
    page.answers.push(tokenAnswer('t1', page.time + skew), tokenAnswer('t2', page.time + skew + 480_000));
    const provider = create();
    const refreshed: string[] = [];
    provider.on('refreshed', (token) => refreshed.push(token.id));
    await provider.getToken();
    await page.advance(479_000);
    expect(refreshed).toEqual([]);
    await page.advance(1_000);
    expect(refreshed).toEqual(['t2']);
    expect(provider.current?.id).toBe('t2');
    // Still current under the skew: served without asking again until its own refreshAfter.
    expect((await provider.getToken()).id).toBe('t2');
    expect(page.requests).toHaveLength(2);
    provider.dispose();
  });

  it('refreshes up to 10% early, so the users of one shared token do not come back in the same second', async () => {
    page.random = () => 1;
    page.answers.push(tokenAnswer('t1', page.time), tokenAnswer('t2', page.time));
    const provider = create();
    await provider.getToken();
    // Planned at 480 s, earliest 5 s: at most (480 - 5) × 10% = 47.5 s early.
    await page.advance(432_499);
    expect(page.requests).toHaveLength(1);
    await page.advance(1);
    expect(page.requests).toHaveLength(2);
    provider.dispose();
  });

  it('waits at least 5 s (or half the time left) before refreshing a token that asks for it at once', async () => {
    page.random = () => 0;
    const now = () => page.time;
    page.answers.push(...Array.from({ length: 3 }, () => tokenAnswer('t', now(), 60_000, { refreshAfter: new Date(now()).toISOString() })));
    const provider = create();
    await provider.getToken();
    await page.advance(4_999);
    expect(page.requests).toHaveLength(1);
    await page.advance(1);
    expect(page.requests).toHaveLength(2);
    provider.dispose();
  });

  it('treats an answer without valid times as a failure to retry, not a token', async () => {
    page.answers.push(tokenAnswer('bad', page.time, 600_000, { serverTime: 'soon' }), tokenAnswer('t1', page.time));
    const provider = create();
    const errors: string[] = [];
    provider.on('error', (error) => errors.push(error.code));
    const pending = provider.getToken();
    await page.advance(1_000);
    expect((await pending).id).toBe('t1');
    expect(errors).toEqual(['bad_response']);
    provider.dispose();
  });

  it('asks for the credential on every request, so whoever is signed in now is who the token is for', async () => {
    page.answers.push(tokenAnswer('t1', page.time), tokenAnswer('t2', page.time));
    const provider = create();
    await provider.getToken();
    await provider.refresh();
    expect(page.requests.map((request) => request.authorization)).toEqual(['Bearer jwt-1', 'Bearer jwt-2']);
    provider.dispose();
  });

  it('tells the app at once, without retrying, when it cannot give a credential', async () => {
    const provider = create({
      getCredential: () => {
        throw new Error('signed out');
      },
    });
    await expect(provider.getToken()).rejects.toMatchObject({ code: 'credential_unavailable', retrying: false });
    await page.advance(60_000);
    expect(page.requests).toHaveLength(0);
    provider.dispose();
  });

  it('retries a 500 but not a 400', async () => {
    page.answers.push(errorAnswer(500, 'internal_error'), tokenAnswer('t1', page.time));
    const provider = create();
    const pending = provider.getToken();
    await page.advance(1_000);
    expect((await pending).id).toBe('t1');
    page.answers.push(errorAnswer(400, 'validation_failed'));
    await expect(provider.refresh()).rejects.toMatchObject({ code: 'validation_failed', retrying: false });
    await page.advance(60_000);
    expect(page.requests).toHaveLength(3);
    provider.dispose();
  });

  it('ends a pending getToken when disposed during a retry wait, and leaves no timer behind', async () => {
    page.answers.push(errorAnswer(503, 'provider_unavailable'));
    const provider = create();
    const pending = provider.getToken();
    await page.advance(0);
    provider.dispose();
    await expect(pending).rejects.toMatchObject({ code: 'disposed' });
    expect(page.pendingTimers()).toBe(0);
  });

  it("puts the server's times on this page's clock, and fetches only when asked with autoRefresh off", async () => {
    const skew = 90_000; // the server is 90 s ahead of this browser
    page.answers.push(tokenAnswer('t1', page.time + skew));
    const provider = create({ autoRefresh: false });
    const token = await provider.getToken();
    expect(provider.localTime(token.expiresAt)).toBe(page.time + 600_000);
    await page.advance(3_600_000);
    expect(page.pendingTimers()).toBe(0); // neither refresh nor expiry pending
    expect(page.requests).toHaveLength(1);
    page.answers.push(tokenAnswer('t2', page.time + skew));
    expect((await provider.getToken()).id).toBe('t2');
    provider.dispose();
  });

  it('retries network errors and 5xx with capped jittered backoff, then recovers', async () => {
    page.answers.push(
      () => Promise.reject(new TypeError('Failed to fetch')),
      errorAnswer(503, 'provider_unavailable'),
      errorAnswer(502, 'provider_bad_response'),
      tokenAnswer('t1', page.time),
    );
    const provider = create({ retry: { baseMs: 1000, maxMs: 1500 } });
    const errors: string[] = [];
    provider.on('error', (error) => errors.push(`${error.code}:${error.retrying}`));
    const pending = provider.getToken();
    await page.advance(0);
    expect(page.requests).toHaveLength(1);
    await page.advance(500); // random 0.5 × 1000
    expect(page.requests).toHaveLength(2);
    await page.advance(750); // 0.5 × min(1500, 2000)
    expect(page.requests).toHaveLength(3);
    await page.advance(750); // capped
    expect((await pending).id).toBe('t1');
    expect(errors).toEqual(['network_error:true', 'provider_unavailable:true', 'provider_bad_response:true']);
    provider.dispose();
  });

  it("stops after 3 end_user_keys_unavailable in a row and tells the app: the IdP's keys will not come back by retrying", async () => {
    page.answers.push(
      errorAnswer(503, 'end_user_keys_unavailable'),
      errorAnswer(503, 'provider_unavailable'),
      errorAnswer(503, 'end_user_keys_unavailable'),
      errorAnswer(503, 'end_user_keys_unavailable'),
      errorAnswer(503, 'end_user_keys_unavailable'),
    );
    const provider = create({ retry: { baseMs: 1000, maxMs: 1000 } });
    const errors: string[] = [];
    provider.on('error', (error) => errors.push(`${error.code}:${error.retrying}`));
    const pending = provider.getToken();
    const refused = expect(pending).rejects.toMatchObject({ code: 'end_user_keys_unavailable', status: 503, retrying: false });
    await page.advance(4 * 1000);
    await refused;
    expect(errors).toEqual([
      'end_user_keys_unavailable:true',
      'provider_unavailable:true',
      'end_user_keys_unavailable:true',
      'end_user_keys_unavailable:true',
      'end_user_keys_unavailable:false',
    ]);
    await page.advance(60_000);
    expect(page.requests).toHaveLength(5);
    provider.dispose();
  });

  it("waits out a 503's Retry-After (or its details.retryAfterSeconds), backs off further while it lasts, and says when it tries again", async () => {
    page.random = () => 1;
    const withDetails = () =>
      new Response(JSON.stringify({ error: { code: 'provider_unavailable', message: 'down', details: { retryAfterSeconds: 1 } } }), {
        status: 503,
      });
    page.answers.push(
      errorAnswer(503, 'provider_unavailable', { 'retry-after': '4' }),
      withDetails,
      errorAnswer(503, 'provider_unavailable'),
      tokenAnswer('t1', page.time + 10_000),
    );
    const provider = create();
    const errors: string[] = [];
    provider.on('error', (error) => errors.push(`${error.code}:${error.retryInMs}`));
    const pending = provider.getToken();
    await page.advance(4_999);
    expect(page.requests).toHaveLength(1); // not before the 4 s asked for and its jitter (1 × the 1 s base)
    await page.advance(1);
    expect(page.requests).toHaveLength(2);
    await page.advance(2_000); // the 1 s asked for (2 s with its jitter) against the backoff's 2 s
    expect(page.requests).toHaveLength(3);
    await page.advance(4_000);
    expect((await pending).id).toBe('t1');
    expect(errors).toEqual(['provider_unavailable:5000', 'provider_unavailable:2000', 'provider_unavailable:4000']);
    provider.dispose();
  });

  it('waits as long as a 429 says, and a jittered moment more, before trying again', async () => {
    page.answers.push(errorAnswer(429, 'rate_limited', { 'retry-after': '7' }), tokenAnswer('t1', page.time + 7500));
    const provider = create();
    const pending = provider.getToken();
    await page.advance(7_499); // 7 s, and 0.5 × the 1 s base
    expect(page.requests).toHaveLength(1);
    await page.advance(1);
    expect((await pending).id).toBe('t1');
    provider.dispose();
  });

  it("does not retry refused provider credentials (a 502 retrying cannot mend), and passes Callpass's details on", async () => {
    const refused = () =>
      new Response(JSON.stringify({ error: { code: 'provider_auth_failed', message: 'refused', details: { provider: 'plivo' } } }), {
        status: 502,
      });
    page.answers.push(refused);
    const provider = create();
    const errors: unknown[] = [];
    provider.on('error', (error) => errors.push({ code: error.code, retrying: error.retrying, details: error.details }));
    await expect(provider.getToken()).rejects.toMatchObject({ code: 'provider_auth_failed', retrying: false });
    await page.advance(60_000);
    expect(page.requests).toHaveLength(1);
    expect(errors).toEqual([{ code: 'provider_auth_failed', retrying: false, details: { provider: 'plivo' } }]);
    provider.dispose();
  });

  it('asks for the credential once more after a 401, then gives up and tells the app', async () => {
    page.answers.push(errorAnswer(401, 'end_user_token_expired'), tokenAnswer('t1', page.time));
    const provider = create();
    expect((await provider.getToken()).id).toBe('t1');
    expect(page.requests.map((request) => request.authorization)).toEqual(['Bearer jwt-1', 'Bearer jwt-2']);

    page.answers.push(errorAnswer(401, 'end_user_revoked'), errorAnswer(401, 'end_user_revoked'));
    const errors: { code: string; retrying: boolean }[] = [];
    provider.on('error', (error) => errors.push({ code: error.code, retrying: error.retrying }));
    await expect(provider.refresh()).rejects.toMatchObject({ code: 'end_user_revoked', status: 401, retrying: false });
    expect(errors).toEqual([{ code: 'end_user_revoked', retrying: false }]);
    expect(page.requests).toHaveLength(4);
    provider.dispose();
  });

  it('does not retry a 403 (a foreign origin, a disabled endpoint)', async () => {
    page.answers.push(errorAnswer(403, 'endpoint_disabled'));
    const provider = create();
    await expect(provider.getToken()).rejects.toMatchObject({ code: 'endpoint_disabled', retrying: false });
    await page.advance(60_000);
    expect(page.requests).toHaveLength(1);
    provider.dispose();
  });

  it('refreshes at once when the page wakes from sleep past refreshAfter, and says when a token expired unreplaced', async () => {
    page.answers.push(tokenAnswer('t1', page.time));
    const provider = create();
    const expired: string[] = [];
    provider.on('expired', (token) => expired.push(token.id));
    await provider.getToken();
    // refreshAt: 480 s less up to 10% jitter (random 0.5: 456.25 s); waking before it does nothing.
    await page.sleepAndWake(450_000);
    expect(page.requests).toHaveLength(1);
    page.answers.push(tokenAnswer('t2', page.time + 900_000));
    await page.sleepAndWake(900_000);
    expect(provider.current?.id).toBe('t2');
    const t2ExpiresIn = 600_000;

    // Offline from here on: every refresh attempt fails and is retried, and t2 runs out.
    await page.advance(t2ExpiresIn - 1);
    expect(expired).toEqual([]);
    await page.advance(1);
    expect(expired).toEqual(['t2']);
    provider.dispose();
  });

  it('notices a sleep that no page event reports, by its watch tick coming late, and refreshes at once', async () => {
    page.answers.push(tokenAnswer('t1', page.time));
    const provider = create();
    await provider.getToken();
    page.answers.push(tokenAnswer('t2', page.time + 3_600_000));
    await page.sleepUnnoticed(3_600_000);
    expect(provider.current?.id).toBe('t1');
    await page.advance(10_000); // the next tick, an hour late; the refresh timer would fire only 456 s later
    expect(provider.current?.id).toBe('t2');
    expect(page.requests).toHaveLength(2);
    provider.dispose();
    expect(page.pendingTimers()).toBe(0);
  });

  it("refreshes a refreshable token through Callpass's refresh route, and mints anew when the chain ended", async () => {
    page.answers.push(tokenAnswer('s1', page.time, 600_000, { refreshable: true }));
    const provider = create({ provider: 'signalwire' });
    await provider.getToken();
    page.answers.push(tokenAnswer('s2', page.time, 600_000, { refreshable: true }));
    await provider.refresh();
    expect(page.requests[1].url).toBe('https://callpass.example/v1/client/acme/tokens/s1/refresh');
    page.answers.push(errorAnswer(409, 'token_refresh_conflict'), tokenAnswer('s3', page.time, 600_000, { refreshable: true }));
    expect((await provider.refresh()).id).toBe('s3');
    expect(page.requests.slice(2).map((request) => request.url)).toEqual([
      'https://callpass.example/v1/client/acme/tokens/s2/refresh',
      'https://callpass.example/v1/client/acme/tokens',
    ]);
    provider.dispose();
  });

  it('shares one request between concurrent callers, and stops everything on dispose', async () => {
    page.answers.push(tokenAnswer('t1', page.time));
    const provider = create();
    const [first, second] = await Promise.all([provider.getToken(), provider.getToken()]);
    expect(first).toBe(second);
    expect(page.requests).toHaveLength(1);
    provider.dispose();
    await page.advance(3_600_000);
    expect(page.requests).toHaveLength(1);
    await expect(provider.refresh()).rejects.toMatchObject({ code: 'disposed' });
  });
});
