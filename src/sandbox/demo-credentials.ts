import { Emulators } from './emulators';

/**
 * Fixed demo credentials the emulators accept under `npm run emulators`, so the README's walk-through can be
 * copied as written. They are fakes in each provider's format; the real providers know none of them.
 */
export const DEMO = {
  twilio: {
    accountSid: 'AC00000000000000000000000000000001',
    apiKeySid: 'SK00000000000000000000000000000001',
    apiKeySecret: 'demoTwilioApiKeySecret0000000001',
    authToken: '0000000000000000000000000000de01',
    outgoingApplicationSid: 'AP00000000000000000000000000000001',
  },
  plivo: { authId: 'MADEMOACCOUNT0000001', authToken: 'DemoPlivoAuthToken0000000000000000000001' },
  signalwire: {
    projectId: 'a1b2c3d4-0000-4000-8000-000000000001',
    apiToken: 'PTdemo0000000000000000000000000000000000000000001',
    addresses: ['a1b2c3d4-0000-4000-8000-0000000000a1', 'a1b2c3d4-0000-4000-8000-0000000000a2'],
    clickToCallToken: 'c2c_demo000000000000000001',
  },
  bandwidth: { clientId: 'demo-client', clientSecret: 'demoBandwidthClientSecret0000001' },
};

export function registerDemoCredentials(emulators: Emulators): void {
  const { twilio, plivo, signalwire, bandwidth } = DEMO;
  emulators.twilio.addAccount({
    accountSid: twilio.accountSid,
    authToken: twilio.authToken,
    apiKeys: [{ sid: twilio.apiKeySid, secret: twilio.apiKeySecret }],
    applicationSids: [twilio.outgoingApplicationSid],
  });
  emulators.plivo.addAccount(plivo.authId, plivo.authToken);
  emulators.signalwire.addProject(signalwire.projectId, signalwire.apiToken, {
    addresses: signalwire.addresses,
    clickToCallTokens: [signalwire.clickToCallToken],
  });
  emulators.bandwidth.addClient(bandwidth.clientId, bandwidth.clientSecret, 'global');
}
