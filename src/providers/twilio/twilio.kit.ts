import { fake } from '../emulator/fake-values';
import { ProviderKit } from '../provider-kit';
import { TwilioEmulator } from './twilio.emulator';
import { twilioProvider } from './twilio.provider';

const demoCredentials = {
  accountSid: 'AC00000000000000000000000000000001',
  apiKeySid: 'SK00000000000000000000000000000001',
  apiKeySecret: 'demoTwilioApiKeySecret0000000001',
  authToken: '0000000000000000000000000000de01',
  outgoingApplicationSid: 'AP00000000000000000000000000000001',
};

function credentials() {
  return {
    config: { accountSid: `AC${fake.hex(32)}`, apiKeySid: `SK${fake.hex(32)}`, outgoingApplicationSid: `AP${fake.hex(32)}` },
    secrets: { apiKeySecret: fake.alnum(32), authToken: fake.hex(32) },
  };
}

function register(emulator: TwilioEmulator, credentials: typeof demoCredentials): void {
  emulator.addAccount({
    accountSid: credentials.accountSid,
    authToken: credentials.authToken,
    apiKeys: [{ sid: credentials.apiKeySid, secret: credentials.apiKeySecret }],
    applicationSids: [credentials.outgoingApplicationSid],
  });
}

export const twilioKit = {
  ...twilioProvider,
  signsLocally: true,
  createEmulator: (now?: () => Date) => new TwilioEmulator(now),
  demoCredentials,
  registerDemoCredentials: (emulator: TwilioEmulator) => register(emulator, demoCredentials),
  emulatedAccount(emulator: TwilioEmulator) {
    const { config, secrets } = credentials();
    register(emulator, { ...config, ...secrets });
    return { provider: 'twilio', baseUrl: emulator.url, config, secrets };
  },
  validCredentials: credentials,
  demoEndpoint: () => ({ userId: 'alice', identity: 'alice' }),
  sandboxGuide: ({ mint, endpointId, emulatorUrl }) => [
    '# Twilio access token (signed locally), then check it with the Twilio emulator:',
    mint({ endpointId }),
    `curl -sf -X POST ${emulatorUrl}/v1/verify -H 'content-type: application/json' -d "{\\"token\\":\\"$(${mint({ endpointId })} | node -pe 'JSON.parse(require("fs").readFileSync(0)).token')\\"}"`,
  ],
} satisfies ProviderKit<TwilioEmulator>;
