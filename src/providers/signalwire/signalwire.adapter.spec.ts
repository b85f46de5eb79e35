import { mintRequest, openedAccount } from '../../../test/helpers/adapter-calls';
import { FakeClock } from '../../../test/helpers/fake-clock';
import { providerHttpClient } from '../../../test/helpers/provider-http';
import { SignalwireConfigDto } from './signalwire-config.dto';
import { SignalwireSecretsDto } from './signalwire-secrets.dto';
import { SignalwireAdapter } from './signalwire.adapter';
import { SignalwireEmulator } from './signalwire.emulator';
import { EmulatedSignalwireAccount, signalwireKit } from './signalwire.kit';

/** The adapter against the SignalWire emulator on loopback: each kind's call, and the refresh it keeps. */
describe('SignalwireAdapter', () => {
  const clock = new FakeClock();
  const now = clock.now();
  const seconds = Math.floor(now.getTime() / 1000);
  const adapter = new SignalwireAdapter(providerHttpClient(clock));
  let emulator: SignalwireEmulator;
  let emulated: EmulatedSignalwireAccount;

  beforeAll(async () => {
    emulator = signalwireKit.createEmulator(() => clock.now());
    await emulator.listen();
    emulated = signalwireKit.emulatedAccount(emulator);
  });
  afterAll(() => emulator.close());

  const account = () => openedAccount<SignalwireConfigDto, SignalwireSecretsDto>(emulated, now);
  const lastCall = (path: RegExp) => emulator.requestsTo('POST', path).at(-1)!;

  it('mints a subscriber SAT for the reference, and keeps its refresh token for a refresh', async () => {
    const minted = await adapter.mint(mintRequest(account(), { kind: 'subscriber', now, identity: 'alice@example.com', ttlSeconds: 3600 }));
    const call = lastCall(/\/subscribers\/tokens$/);
    expect(call.basic).toEqual({ username: emulated.config.projectId, password: emulated.secrets.apiToken });
    expect(call.body).toEqual({ reference: 'alice@example.com', expire_at: seconds + 3600 });
    expect(minted).toMatchObject({ expiresAt: new Date((seconds + 3600) * 1000), extras: { refreshable: true } });
    expect(minted.refresh?.secret).toEqual(expect.any(String));

    const refreshed = await adapter.refresh({
      ...mintRequest(account(), { kind: 'subscriber', now }),
      refreshSecret: minted.refresh!.secret,
    });
    expect(refreshed.expiresAt).toEqual(new Date(now.getTime() + 7200_000));
    expect(refreshed.refresh?.secret).not.toBe(minted.refresh!.secret);
  });

  it('offers no refresh where the policy forbids the 2 h a refreshed SAT lives', async () => {
    const minted = await adapter.mint(
      mintRequest(account(), { kind: 'subscriber', now, identity: 'bob@example.com', maxTtlSeconds: 3600 }),
    );
    expect(minted.refresh).toBeUndefined();
    await expect(
      adapter.refresh({ ...mintRequest(account(), { kind: 'subscriber', now, maxTtlSeconds: 3600 }), refreshSecret: 'x' }),
    ).rejects.toMatchObject({
      code: 'lifetime_exceeds_policy',
    });
  });

  it("mints a guest SAT for the endpoint's addresses, and refuses addresses outside them", async () => {
    const endpointData = { allowedAddresses: emulated.addresses.slice(0, 2) };
    const minted = await adapter.mint(mintRequest(account(), { kind: 'guest', now, endpointData }));
    expect(lastCall(/\/guests\/tokens$/).body).toEqual({ allowed_addresses: endpointData.allowedAddresses, expire_at: seconds + 600 });
    expect(minted.grants).toEqual({ allowedAddresses: endpointData.allowedAddresses });
    const outside = adapter.mint(
      mintRequest(account(), { kind: 'guest', now, endpointData, options: { allowedAddresses: [emulated.addresses[2]] } }),
    );
    await expect(outside).rejects.toMatchObject({ code: 'address_not_allowed', details: { refused: [emulated.addresses[2]] } });
  });

  it('exchanges the click-to-call token for an embed SAT', async () => {
    const minted = await adapter.mint(mintRequest(account(), { kind: 'embed', now, identity: '' }));
    expect(lastCall(/\/embeds\/tokens$/).body).toEqual({ token: emulated.secrets.clickToCallToken });
    expect(minted.expiresAt).toEqual(new Date(now.getTime() + 3600_000));
  });
});
