import { mintRequest, openedAccount } from '../../../test/helpers/adapter-calls';
import { providerHttpClient } from '../../../test/helpers/provider-http';
import { FakeClock } from '../../../test/helpers/fake-clock';
import { MetricsService } from '../../metrics/metrics';
import { SharedFlightsService } from '../../redis/shared-flights';
import { SecretBox } from '../../crypto/secret-box';
import { BandwidthConfigDto } from './bandwidth-config.dto';
import { BandwidthSecretsDto } from './bandwidth-secrets.dto';
import { BandwidthAdapter } from './bandwidth.adapter';
import { BandwidthEmulator } from './bandwidth.emulator';
import { bandwidthKit } from './bandwidth.kit';

/** The adapter against the Bandwidth emulator on loopback: the OAuth call, the lifetime it reads, the cache. */
describe('BandwidthAdapter', () => {
  const clock = new FakeClock();
  const now = clock.now();
  // Without Redis the shared flight is off: the adapter keeps to its own cache (the keyring is never used).
  const adapter = new BandwidthAdapter(
    providerHttpClient(clock),
    new SharedFlightsService(undefined, {} as SecretBox, clock, new MetricsService()),
  );
  let emulator: BandwidthEmulator;

  beforeAll(async () => {
    emulator = bandwidthKit.createEmulator(() => clock.now());
    await emulator.listen();
  });
  afterAll(() => emulator.close());

  const tokenCalls = () => emulator.requestsTo('POST', /\/oauth2\/token$/);

  it.each([
    ['global', { grant_type: 'client_credentials', scope: 'voice.webrtc' }, 600],
    ['us', { grant_type: 'client_credentials' }, 3600],
  ] as const)('asks the %s identity server and takes the lifetime it gives', async (network, form, lifetime) => {
    const account = openedAccount<BandwidthConfigDto, BandwidthSecretsDto>(bandwidthKit.emulatedAccount(emulator, network), now);
    const minted = await adapter.mint(mintRequest(account, { kind: 'access_token', now }));
    const [call] = tokenCalls().slice(-1);
    expect(call.basic).toEqual({ username: account.config.clientId, password: account.secrets.clientSecret });
    expect(call.body).toEqual(form);
    expect(minted.expiresAt).toEqual(new Date(now.getTime() + lifetime * 1000));
    expect(minted.providerTokenId).toEqual(expect.any(String));
    expect(minted.grants).toEqual({ network });
  });

  it('serves the cached token until the account changes', async () => {
    const account = openedAccount<BandwidthConfigDto, BandwidthSecretsDto>(bandwidthKit.emulatedAccount(emulator), now);
    const before = tokenCalls().length;
    const first = await adapter.mint(mintRequest(account, { kind: 'access_token', now }));
    const second = await adapter.mint(mintRequest(account, { kind: 'access_token', now }));
    expect(second.token).toBe(first.token);
    const changed = { ...account, updatedAt: new Date(now.getTime() + 1) };
    expect((await adapter.mint(mintRequest(changed, { kind: 'access_token', now }))).token).not.toBe(first.token);
    expect(tokenCalls().length - before).toBe(2);
  });

  it('refuses an answer whose lifetime is missing or beyond a day', async () => {
    const account = openedAccount<BandwidthConfigDto, BandwidthSecretsDto>(bandwidthKit.emulatedAccount(emulator), now);
    emulator.expiresIn.global = 86_401;
    try {
      await expect(adapter.mint(mintRequest(account, { kind: 'access_token', now }))).rejects.toMatchObject({
        code: 'provider_bad_response',
        details: { invalid: 'expires_in' },
      });
    } finally {
      emulator.expiresIn.global = 600;
    }
  });

  it('maps an unknown client to provider_auth_failed', async () => {
    const account = openedAccount<BandwidthConfigDto, BandwidthSecretsDto>(bandwidthKit.emulatedAccount(emulator), now);
    const wrong = { ...account, secrets: { clientSecret: 'not-the-secret-00000000000000000' } };
    await expect(adapter.mint(mintRequest(wrong, { kind: 'access_token', now }))).rejects.toMatchObject({ code: 'provider_auth_failed' });
  });
});
