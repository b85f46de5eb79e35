import { fake } from '../emulator/fake-values';
import { ProviderKit } from '../provider-kit';
import { BandwidthEmulator } from './bandwidth.emulator';
import { bandwidthProvider } from './bandwidth.provider';

const demoCredentials = { clientId: 'demo-client', clientSecret: 'demoBandwidthClientSecret0000001' };

export const bandwidthKit = {
  ...bandwidthProvider,
  createEmulator: (now?: () => Date) => new BandwidthEmulator(now),
  demoCredentials,
  registerDemoCredentials: (emulator: BandwidthEmulator) =>
    emulator.addClient(demoCredentials.clientId, demoCredentials.clientSecret, 'global'),
  emulatedAccount(emulator: BandwidthEmulator, network: 'global' | 'us' = 'global') {
    const config = { network, clientId: `client-${fake.hex(12)}` };
    const secrets = { clientSecret: fake.alnum(32) };
    emulator.addClient(config.clientId, secrets.clientSecret, network);
    return { provider: 'bandwidth', baseUrl: emulator.url, config, secrets };
  },
  validCredentials: () => ({ config: { network: 'global', clientId: `client-${fake.hex(8)}` }, secrets: { clientSecret: fake.alnum(32) } }),
  demoEndpoint: () => ({ userId: 'alice', identity: 'alice' }),
  sandboxGuide: ({ mint, endpointId }) => [
    '# Bandwidth OAuth token (cached per account, shared by concurrent requests):',
    mint({ endpointId }),
  ],
} satisfies ProviderKit<BandwidthEmulator>;
