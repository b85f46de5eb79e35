import { mintRequest, openedAccount } from '../../../test/helpers/adapter-calls';
import { FakeClock } from '../../../test/helpers/fake-clock';
import { providerHttpClient } from '../../../test/helpers/provider-http';
import { validateObject } from '../../common/validation/validate-object';
import { decodeJwt } from '../jwt';
import { TelnyxConfigDto } from './telnyx-config.dto';
import { TelnyxEndpointOptionsDto } from './telnyx-endpoint-options.dto';
import { TelnyxSecretsDto } from './telnyx-secrets.dto';
import { TelnyxAdapter } from './telnyx.adapter';
import { TelnyxEmulator } from './telnyx.emulator';
import { telnyxKit } from './telnyx.kit';

/** The adapter against the Telnyx emulator on loopback, through the real provider HTTP client: what it sends, what it reads. */
describe('TelnyxAdapter', () => {
  const clock = new FakeClock('2024-06-03T10:00:00.000Z');
  const adapter = new TelnyxAdapter(providerHttpClient(clock));
  let emulator: TelnyxEmulator;

  beforeAll(async () => {
    emulator = telnyxKit.createEmulator(() => clock.now());
    await emulator.listen();
  });
  // Retries sleep on the clock by a jittered number of milliseconds; each test starts on a whole second.
  beforeEach(() => clock.set(new Date(Math.ceil(clock.now().getTime() / 1000) * 1000)));
  afterEach(() => {
    emulator.clearFaults();
    Object.assign(emulator, { tokenTtlSeconds: 86_400, clockSkewSeconds: 0, rateLimited: false });
  });
  afterAll(() => emulator.close());

  const newAccount = () => openedAccount<TelnyxConfigDto, TelnyxSecretsDto>(telnyxKit.emulatedAccount(emulator), clock.now());
  const creations = () => emulator.requestsTo('POST', /^\/v2\/telephony_credentials$/);
  const tokenCalls = () => emulator.requestsTo('POST', /\/token$/);
  const mint = (account: ReturnType<typeof newAccount>, endpointData: Record<string, unknown>, identity = 'gencredAbc') =>
    adapter.mint(mintRequest(account, { kind: 'access_token', now: clock.now(), identity, endpointData }));
  /** A credential the tenant made at Telnyx itself. */
  const ownCredential = async (account: ReturnType<typeof newAccount>, fields: Record<string, unknown> = {}) => {
    const response = await fetch(`${emulator.url}/v2/telephony_credentials`, {
      method: 'POST',
      headers: { authorization: `Bearer ${account.secrets.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ connection_id: account.config.connectionId, ...fields }),
    });
    return ((await response.json()) as { data: { id: string; sip_username: string } }).data;
  };

  it('accepts sip usernames and names to create, and refuses what a SIP URI would need escaped', () => {
    for (const identity of ['gencredAbC123xyz0987654321zyXW', 'alice', 'user_1a2b.c-d', 'x'.repeat(64)]) {
      expect(adapter.identityProblem(identity)).toBeUndefined();
    }
    for (const identity of ['', 'alice@example.com', 'alice smith', 'a:b', 'x'.repeat(65)]) {
      expect(adapter.identityProblem(identity)).toMatch(/Telnyx identities/);
    }
  });

  it('validates a v2 API key, a numeric connection id and a credential id', () => {
    expect(validateObject(TelnyxSecretsDto, telnyxKit.validCredentials().secrets, 'secrets')).toBeDefined();
    expect(validateObject(TelnyxSecretsDto, { apiKey: telnyxKit.demoCredentials.apiKey }, 'secrets')).toBeDefined();
    for (const apiKey of ['sk_live_0123456789012345678901234', 'KEY_short', `KEY${'x'.repeat(20)} `]) {
      expect(() => validateObject(TelnyxSecretsDto, { apiKey }, 'secrets')).toThrow('The request is invalid');
    }
    expect(validateObject(TelnyxConfigDto, {}, 'config')).toEqual({});
    expect(() => validateObject(TelnyxConfigDto, { connectionId: 'conn-1' }, 'config')).toThrow('The request is invalid');
    expect(() => validateObject(TelnyxEndpointOptionsDto, { credentialId: 'gencred1' }, 'providerOptions')).toThrow(
      'The request is invalid',
    );
  });

  it('provisions a credential named after the identity, and takes its sip_username', async () => {
    const account = newAccount();
    const provisioned = await adapter.provisionEndpoint({ account, identity: 'alice', options: {} });
    const [call] = creations().slice(-1);
    expect(call.bearer).toBe(account.secrets.apiKey);
    expect(call.headers['content-type']).toBe('application/json');
    expect(call.body).toEqual({ connection_id: account.config.connectionId, name: 'alice' });
    const stored = emulator.credentials.get(provisioned.endpointData.credentialId as string)!;
    expect(stored.name).toBe('alice');
    expect(provisioned).toEqual({
      identity: stored.sipUsername,
      endpointData: { credentialId: stored.id, createdCredentialId: stored.id },
    });
  });

  it('refuses a sip_username it could not use as an identity (a broken or hostile answer)', async () => {
    const account = newAccount();
    emulator.failNext(1, {
      kind: 'status',
      status: 201,
      body: { data: { id: '00000000-0000-4000-8000-0000000000aa', sip_username: 'alice@evil <sip:x>' } },
    });
    await expect(adapter.provisionEndpoint({ account, identity: 'alice', options: {} })).rejects.toMatchObject({
      code: 'provider_bad_response',
      details: { provider: 'telnyx', invalid: 'sip_username' },
    });
  });

  it('never repeats a credential creation that may have arrived (a 5xx), but repeats a token request', async () => {
    const account = newAccount();
    const before = creations().length;
    emulator.failNext(1, { kind: 'status', status: 503 });
    await expect(adapter.provisionEndpoint({ account, identity: 'alice', options: {} })).rejects.toMatchObject({
      code: 'provider_unavailable',
    });
    expect(creations()).toHaveLength(before + 1);

    const { id } = await ownCredential(account);
    const tokensBefore = tokenCalls().length;
    emulator.failNext(2, { kind: 'status', status: 503 });
    await expect(mint(account, { credentialId: id })).resolves.toMatchObject({ token: expect.any(String) });
    expect(tokenCalls()).toHaveLength(tokensBefore + 3);
  });

  it('refuses to provision without a connection id, or with a credential id as well, before calling Telnyx', async () => {
    const account = newAccount();
    const before = emulator.receivedCount;
    await expect(
      adapter.provisionEndpoint({ account, identity: 'alice', options: { credentialId: '00000000-0000-4000-8000-000000000001' } }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      details: { fields: [{ field: 'providerOptions.credentialId', messages: [expect.any(String)] }] },
    });
    await expect(adapter.provisionEndpoint({ account: { ...account, config: {} }, identity: 'alice', options: {} })).rejects.toMatchObject({
      code: 'provider_config_incomplete',
      details: { missing: 'config.connectionId' },
    });
    expect(emulator.receivedCount).toBe(before);
  });

  it("passes Telnyx's field error on: a connection that is not a credential connection", async () => {
    const account = newAccount();
    emulator.accounts.get(account.secrets.apiKey)!.connections.set('77', 'ip');
    await expect(
      adapter.provisionEndpoint({ account: { ...account, config: { connectionId: '77' } }, identity: 'alice', options: {} }),
    ).rejects.toMatchObject({
      code: 'provider_rejected_request',
      details: { provider: 'telnyx', providerStatus: 422, providerCode: '10015', attribute: '/connection_id' },
    });
  });

  it("mints for the endpoint's credential with Accept text/plain, reading expiry and id from the JWT", async () => {
    const account = newAccount();
    const { endpointData, identity } = await adapter.provisionEndpoint({ account, identity: 'alice', options: {} });
    const minted = await mint(account, endpointData, identity);
    const [call] = tokenCalls().slice(-1);
    expect(call.path).toBe(`/v2/telephony_credentials/${endpointData.credentialId as string}/token`);
    expect(call.bearer).toBe(account.secrets.apiKey);
    expect(call.headers.accept).toBe('text/plain');
    expect(call.rawBody).toBe('');
    const { payload } = decodeJwt(minted.token)!;
    expect(minted).toEqual({
      token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      expiresAt: new Date(clock.now().getTime() + 86_400_000),
      providerTokenId: payload.jti,
      grants: { credentialId: endpointData.credentialId, sipUsername: identity },
    });
    expect(emulator.loginProblem(minted.token)).toBeUndefined();
  });

  it('takes a shorter lifetime from the token: a credential expiring sooner, a shorter configured one', async () => {
    const account = newAccount();
    const expiring = await ownCredential(account, { expires_at: new Date(clock.now().getTime() + 900_000).toISOString() });
    expect((await mint(account, { credentialId: expiring.id })).expiresAt).toEqual(new Date(clock.now().getTime() + 900_000));
    emulator.tokenTtlSeconds = 3600;
    const lasting = await ownCredential(account);
    expect((await mint(account, { credentialId: lasting.id })).expiresAt).toEqual(new Date(clock.now().getTime() + 3_600_000));
  });

  it("counts the lifetime from Callpass's clock when Telnyx's runs ahead, and never past exp", async () => {
    const account = newAccount();
    const { id } = await ownCredential(account);
    const seconds = clock.now().getTime() / 1000;
    emulator.clockSkewSeconds = 5;
    const ahead = await mint(account, { credentialId: id });
    expect(decodeJwt(ahead.token)!.payload.exp).toBe(seconds + 5 + 86_400);
    expect(ahead.expiresAt).toEqual(new Date((seconds + 86_400) * 1000));
    emulator.clockSkewSeconds = -5;
    expect((await mint(account, { credentialId: id })).expiresAt).toEqual(new Date((seconds - 5 + 86_400) * 1000));
  });

  it("maps a deleted credential's 404 and an expired one's object-shaped error to provider_rejected_request", async () => {
    const account = newAccount();
    const { id } = await ownCredential(account, { expires_at: new Date(clock.now().getTime() - 1000).toISOString() });
    await expect(mint(account, { credentialId: id })).rejects.toMatchObject({
      code: 'provider_rejected_request',
      details: { providerStatus: 422, attribute: 'status', providerMessage: "can't create tokens for credentials in expired status" },
    });
    emulator.credentials.delete(id);
    await expect(mint(account, { credentialId: id })).rejects.toMatchObject({
      code: 'provider_rejected_request',
      details: {
        provider: 'telnyx',
        providerStatus: 404,
        providerCode: '10005',
        providerMessage: expect.stringMatching(/could not be found/),
      },
    });
  });

  it('answers a 429 with the seconds of x-ratelimit-reset, not waiting that long', async () => {
    const account = newAccount();
    const { id } = await ownCredential(account);
    clock.set(new Date(Math.ceil(clock.now().getTime() / 60_000) * 60_000 + 45_000));
    emulator.rateLimited = true;
    const before = tokenCalls().length;
    await expect(mint(account, { credentialId: id })).rejects.toMatchObject({
      code: 'provider_unavailable',
      details: { reason: 'rate_limited', retryAfterSeconds: 15 },
    });
    expect(tokenCalls()).toHaveLength(before + 1);
  });

  it('needs a credential id on the endpoint', async () => {
    const before = emulator.receivedCount;
    await expect(mint(newAccount(), {})).rejects.toMatchObject({
      code: 'provider_config_incomplete',
      details: { missing: 'endpoint providerOptions.credentialId' },
    });
    expect(emulator.receivedCount).toBe(before);
  });

  it('deletes only the credential it created; one already gone counts as deleted', async () => {
    const account = newAccount();
    const { endpointData } = await adapter.provisionEndpoint({ account, identity: 'alice', options: {} });
    await adapter.deprovisionEndpoint({ account, endpointData });
    expect(emulator.credentials.has(endpointData.credentialId as string)).toBe(false);
    const [deleted] = emulator.requestsTo('DELETE', /telephony_credentials/).slice(-1);
    expect(deleted.path).toBe(`/v2/telephony_credentials/${endpointData.credentialId as string}`);
    await expect(adapter.deprovisionEndpoint({ account, endpointData })).resolves.toBeUndefined();

    const own = await ownCredential(account);
    const before = emulator.receivedCount;
    await adapter.deprovisionEndpoint({ account, endpointData: { credentialId: own.id } });
    expect(emulator.receivedCount).toBe(before);
    expect(emulator.credentials.has(own.id)).toBe(true);
  });
});
