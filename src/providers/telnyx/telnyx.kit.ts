import { randomInt } from 'node:crypto';
import { fake } from '../emulator/fake-values';
import { ProviderKit } from '../provider-kit';
import { TelnyxEmulator } from './telnyx.emulator';
import { telnyxProvider } from './telnyx.provider';

const demoCredentials = {
  apiKey: 'KEY0000000000000000000000000000DE01_DemoTelnyxApiKey000001',
  connectionId: '1567510696929005999',
};

/** In Telnyx's formats (telnyx.md §1, §2): a v2 API key and a Credential Connection's numeric id. */
const freshCredentials = () => ({
  config: { connectionId: `1${Array.from({ length: 18 }, () => randomInt(10)).join('')}` },
  secrets: { apiKey: `KEY${fake.hex(32).toUpperCase()}_${fake.alnum(22)}` },
});

export const telnyxKit = {
  ...telnyxProvider,
  createEmulator: (now?: () => Date) => new TelnyxEmulator(now),
  demoCredentials,
  registerDemoCredentials: (emulator: TelnyxEmulator) => void emulator.addAccount(demoCredentials.apiKey, [demoCredentials.connectionId]),
  emulatedAccount(emulator: TelnyxEmulator) {
    const { config, secrets } = freshCredentials();
    emulator.addAccount(secrets.apiKey, [config.connectionId]);
    return { provider: 'telnyx', baseUrl: emulator.url, config, secrets };
  },
  validCredentials: freshCredentials,
  // The endpoint is a telephony credential Callpass creates on the account's connection; its sip_username is the identity.
  demoEndpoint: () => ({ userId: 'alice', identity: 'alice', provision: true }),
  sandboxGuide: ({ mint, endpointId }) => [
    '# Telnyx login token (minted by Telnyx for the telephony credential Callpass created; Telnyx sets its lifetime):',
    mint({ endpointId }),
  ],
} satisfies ProviderKit<TelnyxEmulator>;
