import { fake } from '../emulator/fake-values';
import { ProviderKit } from '../provider-kit';
import { PlivoEmulator } from './plivo.emulator';
import { plivoProvider } from './plivo.provider';

const demoCredentials = { authId: 'MADEMOACCOUNT0000001', authToken: 'DemoPlivoAuthToken0000000000000000000001' };

export const plivoKit = {
  ...plivoProvider,
  createEmulator: (now?: () => Date) => new PlivoEmulator(now),
  demoCredentials,
  registerDemoCredentials: (emulator: PlivoEmulator) => void emulator.addAccount(demoCredentials.authId, demoCredentials.authToken),
  emulatedAccount(emulator: PlivoEmulator) {
    const config = { authId: `MA${fake.upperAlnum(18)}`, answerUrl: 'https://example.com/plivo/answer' };
    const secrets = { authToken: fake.alnum(40) };
    emulator.addAccount(config.authId, secrets.authToken);
    return { provider: 'plivo', baseUrl: emulator.url, config, secrets };
  },
  validCredentials: () => ({ config: { authId: `MA${fake.upperAlnum(18)}` }, secrets: { authToken: fake.alnum(40) } }),
  // Plivo's endpoint is created at Plivo (with a 12-digit suffix on the username).
  demoEndpoint: () => ({ userId: 'alice', identity: 'alice', provision: true }),
  sandboxGuide: ({ mint, endpointId }) => [
    "# Plivo access token (minted by Plivo's REST call, for the endpoint Callpass provisioned):",
    mint({ endpointId }),
  ],
} satisfies ProviderKit<PlivoEmulator>;
