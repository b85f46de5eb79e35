import { mintRequest, openedAccount } from '../../../test/helpers/adapter-calls';
import { FakeClock } from '../../../test/helpers/fake-clock';
import { providerHttpClient } from '../../../test/helpers/provider-http';
import { decodeJwt } from '../jwt';
import { PlivoConfigDto } from './plivo-config.dto';
import { PlivoSecretsDto } from './plivo-secrets.dto';
import { PlivoAdapter } from './plivo.adapter';
import { PlivoEmulator } from './plivo.emulator';
import { plivoKit } from './plivo.kit';

/** The adapter against the Plivo emulator on loopback: what it sends, and what it makes of the answers. */
describe('PlivoAdapter', () => {
  const clock = new FakeClock();
  const now = clock.now();
  const adapter = new PlivoAdapter(providerHttpClient(clock));
  let emulator: PlivoEmulator;

  beforeAll(async () => {
    emulator = plivoKit.createEmulator(() => clock.now());
    await emulator.listen();
  });
  afterAll(() => emulator.close());

  const newAccount = () => openedAccount<PlivoConfigDto, PlivoSecretsDto>(plivoKit.emulatedAccount(emulator), now);

  it('provisions the endpoint (creating the application on first use), then has Plivo mint for it', async () => {
    const account = newAccount();
    const provisioned = await adapter.provisionEndpoint({ account, identity: 'alice' });
    expect(provisioned.identity).toMatch(/^alice\d{12}$/);
    const applicationId = provisioned.accountConfig?.applicationId as string;
    expect(emulator.accounts.get(account.config.authId)?.applications.get(applicationId)).toMatchObject({
      answerUrl: account.config.answerUrl,
    });

    const opened = { ...account, config: { ...account.config, applicationId } };
    const minted = await adapter.mint(
      mintRequest(opened, { kind: 'access_token', now, identity: provisioned.identity, capabilities: ['incoming'] }),
    );
    const [call] = emulator.requestsTo('POST', /\/JWT\/Token\/?$/).slice(-1);
    const seconds = Math.floor(now.getTime() / 1000);
    expect(call.basic).toEqual({ username: account.config.authId, password: account.secrets.authToken });
    expect(call.body).toEqual({
      iss: account.config.authId,
      sub: provisioned.identity,
      nbf: seconds - 10,
      exp: seconds + 600,
      per: { voice: { incoming_allow: true, outgoing_allow: false } },
      app: applicationId,
    });
    expect(decodeJwt(minted.token)?.payload).toMatchObject({ sub: provisioned.identity, exp: seconds + 600 });
    expect(minted.expiresAt).toEqual(new Date((seconds + 600) * 1000));
    expect(minted.grants).toEqual({ incoming: true, outgoing: false, app: applicationId });
  });

  it('deletes the endpoint it provisioned, and counts one already gone as deleted', async () => {
    const account = newAccount();
    const { endpointData } = await adapter.provisionEndpoint({ account, identity: 'bob' });
    const deletes = () => emulator.requestsTo('DELETE', new RegExp(`/Endpoint/${String(endpointData.plivoEndpointId)}/?$`)).length;
    await adapter.deprovisionEndpoint({ account, endpointData });
    expect(emulator.accounts.get(account.config.authId)?.endpoints.size).toBe(0);
    // The second DELETE reaches Plivo and gets its 404.
    await expect(adapter.deprovisionEndpoint({ account, endpointData })).resolves.toBeUndefined();
    expect(deletes()).toBe(2);
  });

  it("passes Plivo's refusal on as provider_rejected_request, without the auth token", async () => {
    const account = newAccount();
    const refusal = adapter.mint(mintRequest(account, { kind: 'access_token', now, identity: 'nobody' }));
    await expect(refusal).rejects.toMatchObject({
      code: 'provider_rejected_request',
      details: { providerStatus: 400, providerMessage: "'nobody' is not a valid endpoint" },
    });
  });

  it('refuses usernames Plivo cannot hold', () => {
    expect(adapter.identityProblem('alice')).toBeUndefined();
    for (const identity of ['1alice', 'al-ice', 'al ice', ''])
      expect(adapter.identityProblem(identity)).toMatch(/Plivo endpoint usernames/);
  });
});
