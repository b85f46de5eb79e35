import { EventEmitter } from 'node:events';
import { FakePage, tokenAnswer } from '../../../test/helpers/fake-page';
import { createCredentialProvider, CredentialProvider } from '../credential-provider.js';
import { bindBandwidthUA } from './bandwidth.js';
import { bindPlivoClient } from './plivo.js';
import { bindTelnyxClient, TelnyxClient } from './telnyx.js';
import { bindVonageClient, VonageClient } from './vonage.js';
import { signalwireCredentials } from './signalwire.js';
import { bindTwilioDevice } from './twilio.js';

/** Stand-ins recording what each SDK was handed, with the SDKs' own method and event names. */
class FakeTwilioDevice extends EventEmitter {
  readonly tokens: string[];
  constructor(token: string) {
    super();
    this.tokens = [token];
  }
  updateToken(token: string) {
    this.tokens.push(token);
  }
}

/**
 * Like plivo-browser-sdk 2.2.21: logging in again drops the registration ("Relogin") and registers anew; during a
 * call a login fails (`onLoginFailed`, synchronously) and answers false.
 */
class FakePlivoClient extends EventEmitter {
  readonly logins: string[] = [];
  accepts = true;
  connecting = false;
  inCall = false;
  isConnecting() {
    return this.connecting;
  }
  loginWithAccessToken(token: string) {
    if (this.inCall) {
      this.emit('onLoginFailed', 'Cannot login when there is an ongoing call');
      return false;
    }
    this.logins.push(token);
    if (this.logins.length > 1) {
      queueMicrotask(() => {
        this.emit('onConnectionChange', { state: 'disconnected', reason: 'Relogin' });
        this.emit('onConnectionChange', { state: 'connected', reason: 'registered' });
      });
    }
    return this.accepts;
  }
}

describe('SDK adapters', () => {
  let page: FakePage;
  let provider: CredentialProvider;
  const create = (overrides: { provider?: string } = {}) =>
    createCredentialProvider({
      baseUrl: 'https://callpass.example',
      tenant: 'acme',
      getCredential: () => 'jwt',
      environment: page,
      ...overrides,
    });

  beforeEach(() => {
    page = new FakePage();
  });
  afterEach(() => provider?.dispose());

  it('Twilio: constructs the Device with the first token and updates it on every refresh, not only on tokenWillExpire', async () => {
    page.answers.push(tokenAnswer('t1', page.time), tokenAnswer('t2', page.time + 480_000), tokenAnswer('t3', page.time + 960_000));
    provider = create();
    const { device, detach } = await bindTwilioDevice(provider, (token) => new FakeTwilioDevice(token));
    await page.advance(480_000);
    await page.advance(480_000);
    expect(device.tokens).toEqual(['token-t1', 'token-t2', 'token-t3']);

    // A tokenWillExpire the SDK fires anyway asks for a new token at once.
    page.answers.push(tokenAnswer('t4', page.time));
    device.emit('tokenWillExpire', device);
    await page.advance(0);
    expect(device.tokens.at(-1)).toBe('token-t4');

    detach();
    page.answers.push(tokenAnswer('t5', page.time));
    await provider.refresh();
    expect(device.tokens.at(-1)).toBe('token-t4');
    expect(device.listenerCount('tokenWillExpire')).toBe(0);
  });

  it('Twilio: ensureFreshToken replaces an expired token before connect() (an expired one makes connect hang)', async () => {
    page.answers.push(tokenAnswer('t1', page.time));
    provider = createCredentialProvider({
      baseUrl: 'https://callpass.example',
      tenant: 'acme',
      getCredential: () => 'jwt',
      environment: page,
      autoRefresh: false,
    });
    const binding = await bindTwilioDevice(provider, (token) => new FakeTwilioDevice(token));
    await binding.ensureFreshToken();
    expect(binding.device.tokens).toEqual(['token-t1']);
    await page.advance(600_000);
    page.answers.push(tokenAnswer('t2', page.time));
    await binding.ensureFreshToken();
    expect(binding.device.tokens).toEqual(['token-t1', 'token-t2']);
  });

  it('Plivo: logs in with each new token, and with a fresh one after a reconnect', async () => {
    page.answers.push(tokenAnswer('p1', page.time, 600_000, { provider: 'plivo' }));
    provider = create({ provider: 'plivo' });
    const client = new FakePlivoClient();
    const { detach } = await bindPlivoClient(provider, client);
    expect(client.logins).toEqual(['token-p1']);

    page.answers.push(tokenAnswer('p2', page.time + 480_000, 600_000, { provider: 'plivo' }));
    await page.advance(480_000);
    // The SDK's own drop and return after our login are not a reconnect: no further token, no loop.
    expect(client.logins).toEqual(['token-p1', 'token-p2']);
    expect(page.requests).toHaveLength(2);

    // Connected at first, then a drop and a reconnect: only the reconnect needs a fresh login.
    client.emit('onConnectionChange', { state: 'connected', reason: 'registered' });
    await page.advance(0);
    expect(client.logins).toHaveLength(2);
    page.answers.push(tokenAnswer('p3', page.time, 600_000, { provider: 'plivo' }));
    client.emit('onConnectionChange', { state: 'disconnected', reason: 'network' });
    client.emit('onConnectionChange', { state: 'connected', reason: 'reconnected' });
    await page.advance(0);
    expect(client.logins).toEqual(['token-p1', 'token-p2', 'token-p3']);
    detach();
    expect(client.listenerCount('onConnectionChange')).toBe(0);
  });

  it('Plivo: says so when the SDK refuses the token', async () => {
    page.answers.push(tokenAnswer('p1', page.time, 600_000, { provider: 'plivo' }));
    provider = create({ provider: 'plivo' });
    const client = new FakePlivoClient();
    client.accepts = false;
    await expect(bindPlivoClient(provider, client)).rejects.toMatchObject({ code: 'sdk_refused_token', retrying: false });
  });

  it('Plivo: keeps a token the SDK cannot take while connecting or in a call, logs in with the latest once that ends, and says so', async () => {
    page.answers.push(tokenAnswer('p1', page.time, 600_000, { provider: 'plivo' }));
    provider = create({ provider: 'plivo' });
    const client = new FakePlivoClient();
    const notTaken: string[] = [];
    const { detach } = await bindPlivoClient(provider, client, { onTokenNotTaken: (reason) => notTaken.push(reason) });

    client.connecting = true;
    page.answers.push(tokenAnswer('p2', page.time + 480_000, 600_000, { provider: 'plivo' }));
    await page.advance(480_000);
    expect(client.logins).toEqual(['token-p1']); // the SDK would have answered true and kept p1
    client.connecting = false;
    client.emit('onLogin');
    expect(client.logins).toEqual(['token-p1', 'token-p2']);

    client.inCall = true;
    page.answers.push(tokenAnswer('p3', page.time + 480_000, 600_000, { provider: 'plivo' }));
    await page.advance(480_000);
    page.answers.push(tokenAnswer('p4', page.time + 480_000, 600_000, { provider: 'plivo' }));
    await page.advance(480_000);
    expect(client.logins).toHaveLength(2);
    client.inCall = false;
    client.emit('onCallTerminated');
    client.emit('onCallTerminated');
    expect(client.logins).toEqual(['token-p1', 'token-p2', 'token-p4']);
    expect(notTaken).toEqual(['connecting', 'in_call', 'in_call']);

    client.accepts = false;
    page.answers.push(tokenAnswer('p5', page.time + 480_000, 600_000, { provider: 'plivo' }));
    await page.advance(480_000);
    client.emit('onLogin');
    expect(notTaken.at(-1)).toBe('refused');
    expect(client.logins.at(-1)).toBe('token-p5'); // tried once, not again on the next event
    detach();
    expect(client.eventNames()).toEqual([]);
  });

  it('Telnyx: constructs the client with login_token, logs in again on the open socket, and keeps the token for the next connect', async () => {
    page.answers.push(tokenAnswer('x1', page.time, 600_000, { provider: 'telnyx' }));
    provider = create({ provider: 'telnyx' });
    const logins: string[] = [];
    const { client, detach } = await bindTelnyxClient(provider, (token): TelnyxClient => ({
      options: { login_token: token },
      connected: false,
      login: ({ creds }) => (logins.push(creds.login_token), Promise.resolve()),
    }));
    expect(client.options.login_token).toBe('token-x1');

    // Not connected: login() would do nothing in the SDK; the token waits for connect().
    page.answers.push(tokenAnswer('x2', page.time + 480_000, 600_000, { provider: 'telnyx' }));
    await page.advance(480_000);
    expect({ held: client.options.login_token, logins }).toEqual({ held: 'token-x2', logins: [] });

    (client as { connected: boolean }).connected = true;
    page.answers.push(tokenAnswer('x3', page.time + 480_000, 600_000, { provider: 'telnyx' }));
    await page.advance(480_000);
    expect({ held: client.options.login_token, logins }).toEqual({ held: 'token-x3', logins: ['token-x3'] });
    detach();
  });

  it("Vonage: makes the client for the account's region, opens a session with the first token, refreshes it with each next one", async () => {
    page.answers.push(tokenAnswer('v1', page.time, 600_000, { provider: 'vonage', region: 'eu' }));
    provider = create({ provider: 'vonage' });
    const calls: string[] = [];
    const regions: string[] = [];
    const { sessionId, detach } = await bindVonageClient(provider, ({ region }): VonageClient => {
      regions.push(region);
      return {
        createSession: (token) => (calls.push(`create ${token}`), Promise.resolve('session-1')),
        refreshSession: (token) => (calls.push(`refresh ${token}`), Promise.resolve()),
      };
    });
    expect({ regions, sessionId }).toEqual({ regions: ['EU'], sessionId: 'session-1' });
    page.answers.push(tokenAnswer('v2', page.time + 480_000, 600_000, { provider: 'vonage', region: 'eu' }));
    await page.advance(480_000); // before v1 expires (at 600 s)
    expect(calls).toEqual(['create token-v1', 'refresh token-v2']);
    detach();
  });

  it('Vonage: says so when the SDK opens no session', async () => {
    page.answers.push(tokenAnswer('v1', page.time, 600_000, { provider: 'vonage', region: 'us' }));
    provider = create({ provider: 'vonage' });
    const failing = (): VonageClient => ({
      createSession: () => Promise.reject(new Error('system:error:invalid-token')),
      refreshSession: () => Promise.resolve(),
    });
    await expect(bindVonageClient(provider, failing)).rejects.toMatchObject({ code: 'sdk_session_failed', retrying: false });
  });

  it('Bandwidth: sets the token before connect and replaces it ahead of expiry', async () => {
    page.answers.push(tokenAnswer('b1', page.time, 600_000, { provider: 'bandwidth' }));
    provider = create({ provider: 'bandwidth' });
    const tokens: string[] = [];
    await bindBandwidthUA(provider, { setOAuthToken: (token) => tokens.push(token) });
    expect(tokens).toEqual(['token-b1']);
    page.answers.push(tokenAnswer('b2', page.time + 480_000, 600_000, { provider: 'bandwidth' }));
    await page.advance(480_000); // refreshAfter, 2 minutes before expiry
    expect(tokens).toEqual(['token-b1', 'token-b2']);
  });

  describe('SignalWire', () => {
    const settings = () => ({ baseUrl: 'https://callpass.example', tenant: 'acme', getCredential: () => 'jwt', environment: page });

    it("hands the SDK a SAT with its expiry on this page's clock, and its refresh() gets the refresh route's token", async () => {
      const skew = -30_000;
      page.answers.push(tokenAnswer('s1', page.time + skew, 600_000, { provider: 'signalwire', refreshable: true }));
      const credentials = signalwireCredentials(settings());
      expect(await credentials.authenticate({})).toEqual({ token: 'token-s1', expiry_at: page.time + 600_000 });
      expect(page.requests[0].body).toEqual({ provider: 'signalwire' });

      page.answers.push(tokenAnswer('s2', page.time + skew, 600_000, { provider: 'signalwire', refreshable: true }));
      expect((await credentials.refresh!()).token).toBe('token-s2');
      expect(page.requests[1].url).toBe('https://callpass.example/v1/client/acme/tokens/s1/refresh');
      credentials.dispose();
    });

    it('gives the SDK the token Callpass already refreshed at refreshAfter instead of spending another', async () => {
      page.answers.push(tokenAnswer('s1', page.time, 600_000, { provider: 'signalwire', refreshable: true }));
      const credentials = signalwireCredentials(settings());
      await credentials.authenticate();
      page.answers.push(tokenAnswer('s2', page.time + 480_000, 600_000, { provider: 'signalwire', refreshable: true }));
      await page.advance(480_000);
      expect((await credentials.refresh!()).token).toBe('token-s2');
      expect(page.requests).toHaveLength(2);
      credentials.dispose();
    });

    it("ignores the SDK's fingerprint unless told to bind tokens to its key", async () => {
      page.answers.push(tokenAnswer('s1', page.time, 600_000, { provider: 'signalwire', refreshable: true }));
      const credentials = signalwireCredentials(settings());
      await credentials.authenticate({ fingerprint: 'A'.repeat(43) });
      expect(page.requests[0].body).toEqual({ provider: 'signalwire' });
      credentials.dispose();
    });

    it("binds the token to the SDK's key when clientBound, and leaves refreshing to the SDK", async () => {
      const fingerprint = 'A'.repeat(43);
      page.answers.push(tokenAnswer('s1', page.time, 600_000, { provider: 'signalwire' }));
      const credentials = signalwireCredentials({ ...settings(), options: { reference: 'x' }, clientBound: true });
      expect((await credentials.authenticate({ fingerprint })).token).toBe('token-s1');
      expect(page.requests[0].body).toEqual({ provider: 'signalwire', options: { reference: 'x', fingerprint } });
      await page.advance(3_600_000);
      expect(page.requests).toHaveLength(1);
      credentials.dispose();
    });
  });
});
