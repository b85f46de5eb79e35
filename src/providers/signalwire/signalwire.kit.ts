import { randomUUID } from 'node:crypto';
import { fake } from '../emulator/fake-values';
import { EmulatedAccount, ProviderKit } from '../provider-kit';
import { SignalwireEmulator } from './signalwire.emulator';
import { signalwireProvider } from './signalwire.provider';

const demoCredentials = {
  projectId: 'a1b2c3d4-0000-4000-8000-000000000001',
  apiToken: 'PTdemo0000000000000000000000000000000000000000001',
  addresses: ['a1b2c3d4-0000-4000-8000-0000000000a1', 'a1b2c3d4-0000-4000-8000-0000000000a2'],
  clickToCallToken: 'c2c_demo000000000000000001',
};

/** A SignalWire account, with the addresses (resources) its project has. */
export type EmulatedSignalwireAccount = EmulatedAccount & { addresses: string[] };

export const signalwireKit = {
  ...signalwireProvider,
  createEmulator: (now?: () => Date) => new SignalwireEmulator(now),
  demoCredentials,
  registerDemoCredentials: (emulator: SignalwireEmulator) =>
    emulator.addProject(demoCredentials.projectId, demoCredentials.apiToken, {
      addresses: demoCredentials.addresses,
      clickToCallTokens: [demoCredentials.clickToCallToken],
    }),
  emulatedAccount(emulator: SignalwireEmulator): EmulatedSignalwireAccount {
    const config = { space: 'sandbox', projectId: randomUUID() };
    const secrets = { apiToken: `PT${fake.hex(48)}`, clickToCallToken: `c2c_${fake.hex(24)}` };
    const addresses = [randomUUID(), randomUUID(), randomUUID()];
    emulator.addProject(config.projectId, secrets.apiToken, { addresses, clickToCallTokens: [secrets.clickToCallToken] });
    return { provider: 'signalwire', baseUrl: emulator.url, config, secrets, addresses };
  },
  validCredentials: () => ({ config: { space: 'example', projectId: randomUUID() }, secrets: { apiToken: `PT${fake.hex(48)}` } }),
  demoEndpoint: (account: EmulatedSignalwireAccount) => ({
    userId: 'alice',
    identity: 'alice@example.com',
    providerOptions: { allowedAddresses: account.addresses },
  }),
  // The demo's tokens may be bound to the browser's key (client-bound SATs) at the user's request.
  demoPolicy: { endUserOptions: ['fingerprint'] },
  sandboxGuide: ({ mint, endpointId, url, accountId, allowedOrigin }) => [
    '# SignalWire subscriber SAT (its refresh token stays in Callpass: POST /v1/tokens/<id>/refresh), and a guest SAT:',
    mint({ endpointId }),
    mint({ endpointId, kind: 'guest' }),
    '',
    '# SignalWire click-to-call embed (public, origin-locked, rate limited):',
    `curl -s -X POST ${url}/v1/signalwire/embeds/${accountId}/tokens -H 'origin: ${allowedOrigin}'`,
  ],
} satisfies ProviderKit<SignalwireEmulator, EmulatedSignalwireAccount>;
