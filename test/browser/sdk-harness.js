// Runs in Chromium (test/e2e/browser-client.e2e-spec.ts): the official SDKs from npm, fed Callpass tokens through
// the browser library's adapters, on a page of the sandbox's origin. Plain JavaScript, as a tenant's page would be.
import {
  bindBandwidthUA,
  bindPlivoClient,
  bindTelnyxClient,
  bindTwilioDevice,
  bindVonageClient,
  createCredentialProvider,
  signalwireCredentials,
} from '/demo/lib/index.js';

async function signIn(userId) {
  const response = await fetch('/demo/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId }),
  });
  if (!response.ok) throw new Error(`sign-in failed: ${response.status}`);
  const { tenant, session } = await response.json();
  return { baseUrl: location.origin, tenant, getCredential: () => session };
}

const bound = {};

/** Wraps an SDK object's method to count the calls, each still reaching the SDK. */
function counting(object, method) {
  const calls = [];
  const original = object[method].bind(object);
  object[method] = (...args) => {
    calls.push(args[0]);
    return original(...args);
  };
  return calls;
}

const setUp = {
  async twilio() {
    const provider = createCredentialProvider({ ...(await signIn('sdk-twilio')), provider: 'twilio' });
    let updates = [];
    const { device } = await bindTwilioDevice(provider, (token) => {
      const created = new Twilio.Device(token, { logLevel: 'silent' });
      updates = counting(created, 'updateToken');
      return created;
    });
    return () => ({ sdk: device.token, callpass: provider.current.token, id: provider.current.id, handed: 1 + updates.length });
  },
  async plivo() {
    const provider = createCredentialProvider({ ...(await signIn('sdk-plivo')), provider: 'plivo' });
    const plivo = new Plivo({ debug: 'OFF', permOnClick: true, enableTracking: false });
    const logins = counting(plivo.client, 'loginWithAccessToken');
    await bindPlivoClient(provider, plivo.client);
    return () => ({ sdk: plivo.client.accessToken, callpass: provider.current.token, id: provider.current.id, handed: logins.length });
  },
  async signalwire() {
    const credentials = signalwireCredentials(await signIn('sdk-signalwire'));
    const client = new SignalWire.SignalWire(credentials, { skipConnection: true, skipDeviceMonitoring: true });
    let handed = 0;
    credentials.on('token', () => (handed += 1));
    credentials.on('refreshed', () => (handed += 1));
    return () => ({
      // The SDK keeps the credential it was handed here; it offers no public getter.
      sdk: client._deps.credential?.token,
      callpass: credentials.provider?.current?.token,
      id: credentials.provider?.current?.id,
      handed,
    });
  },
  async signalwireBound() {
    // Client-bound: the demo account lists `fingerprint` in its policy's endUserOptions.
    const fingerprints = [];
    const recordingFetch = (url, init) => {
      fingerprints.push(JSON.parse(init.body).options?.fingerprint);
      return fetch(url, init);
    };
    const settings = await signIn('sdk-signalwire-bound');
    const credentials = signalwireCredentials({ ...settings, clientBound: true, environment: { fetch: recordingFetch } });
    const client = new SignalWire.SignalWire(credentials, { skipConnection: true, skipDeviceMonitoring: true });
    return () => ({
      sdk: client._deps.credential?.token,
      callpass: credentials.provider?.current?.token,
      fingerprints,
      sdkMayAskCallpassToRefresh: credentials.refresh !== undefined,
    });
  },
  async bandwidth() {
    const { BandwidthUA } = await import('/sdk-harness/bw_webrtc_sdk.js');
    const provider = createCredentialProvider({ ...(await signIn('sdk-bandwidth')), provider: 'bandwidth' });
    const agent = new BandwidthUA();
    // The user agent keeps its token private: what it was handed is what it holds.
    const handed = counting(agent, 'setOAuthToken');
    await bindBandwidthUA(provider, agent);
    return () => ({ sdk: handed.at(-1), callpass: provider.current.token, id: provider.current.id, handed: handed.length });
  },
  async telnyx() {
    const provider = createCredentialProvider({ ...(await signIn('sdk-telnyx')), provider: 'telnyx' });
    let handed = 0;
    let logins = [];
    const { client } = await bindTelnyxClient(provider, (token) => {
      const created = new TelnyxWebRTC.TelnyxRTC({ login_token: token });
      handed = 1;
      // Offline, its socket never opens: taken as open, so that the SDK's own login() is called with each new token
      // (it does nothing without a socket).
      Object.defineProperty(created, 'connected', { get: () => true });
      logins = counting(created, 'login');
      // Counts what the client is handed for its next connect or reconnect.
      let held = created.options.login_token;
      Object.defineProperty(created.options, 'login_token', {
        get: () => held,
        set: (value) => {
          held = value;
          handed += 1;
        },
      });
      return created;
    });
    return () => ({
      sdk: client.options.login_token,
      callpass: provider.current.token,
      id: provider.current.id,
      handed,
      relogins: logins.map((login) => login.creds.login_token),
    });
  },
  async vonage() {
    const provider = createCredentialProvider({ ...(await signIn('sdk-vonage')), provider: 'vonage' });
    const handed = [];
    let region;
    await bindVonageClient(provider, (settings) => {
      region = settings.region;
      const client = new vonageClientSDK.VonageClient({ region: settings.region });
      // Vonage's servers are out of reach here: the SDK's own methods are called with what it is handed, and as they
      // cannot reach Vonage, the session they would open is answered for.
      const [createSession, refreshSession] = [client.createSession.bind(client), client.refreshSession.bind(client)];
      client.createSession = (token) => {
        handed.push(token);
        createSession(token).catch(() => undefined);
        return Promise.resolve('offline-session');
      };
      client.refreshSession = (token) => {
        handed.push(token);
        refreshSession(token).catch(() => undefined);
        return Promise.resolve();
      };
      return client;
    });
    return () => ({ sdk: handed.at(-1), callpass: provider.current.token, id: provider.current.id, handed: handed.length, region });
  },
};

window.harness = {
  signIn,
  async start(name) {
    bound[name] = await setUp[name]();
  },
  read: (name) => bound[name]?.() ?? {},
};
