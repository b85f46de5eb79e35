import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { ProviderKit } from '../provider-kit';
import { VonageEmulator } from './vonage.emulator';
import { vonageProvider } from './vonage.provider';

const DEMO_APPLICATION_ID = 'a1b2c3d4-0000-4000-8000-0000000000f1';

let generated: { privateKey: string; publicKey: string } | undefined;

/**
 * One key pair per process for the demo, emulated and fake accounts (a 2048-bit RSA key takes ~100 ms to generate;
 * a private key is never committed); each emulated account still gets an application of its own.
 */
function keyPair(): { privateKey: string; publicKey: string } {
  generated ??= generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return generated;
}

export const vonageKit = {
  ...vonageProvider,
  signsLocally: true,
  createEmulator: (now?: () => Date) => new VonageEmulator(now),
  /** Made when first asked for: `npm run emulators` prints this run's key. */
  get demoCredentials() {
    return { applicationId: DEMO_APPLICATION_ID, region: 'us', privateKey: keyPair().privateKey };
  },
  registerDemoCredentials: (emulator: VonageEmulator) => emulator.addApplication(DEMO_APPLICATION_ID, keyPair().publicKey),
  emulatedAccount(emulator: VonageEmulator) {
    const { privateKey, publicKey } = keyPair();
    const config = { applicationId: randomUUID(), region: 'us' };
    emulator.addApplication(config.applicationId, publicKey);
    return { provider: 'vonage', baseUrl: emulator.url, config, secrets: { privateKey } };
  },
  validCredentials: () => ({ config: { applicationId: randomUUID(), region: 'eu' }, secrets: { privateKey: keyPair().privateKey } }),
  // The token's sub must name an existing Vonage user, so the sandbox has Callpass create alice there.
  demoEndpoint: () => ({ userId: 'alice', identity: 'alice', provision: true }),
  sandboxGuide: ({ mint, endpointId, emulatorUrl }) => [
    '# Vonage JWT (RS256, signed locally for the user Callpass created at Vonage), then a Client SDK session with it on the Vonage emulator:',
    mint({ endpointId }),
    `curl -sf -X POST ${emulatorUrl}/v1/sessions -H 'content-type: application/json' -d "{\\"token\\":\\"$(${mint({ endpointId })} | node -pe 'JSON.parse(require("fs").readFileSync(0)).token')\\"}"`,
  ],
} satisfies ProviderKit<VonageEmulator>;
