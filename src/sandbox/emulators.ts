import { randomBytes, randomUUID } from 'node:crypto';
import { BandwidthEmulator } from '../providers/bandwidth/bandwidth.emulator';
import { PlivoEmulator } from '../providers/plivo/plivo.emulator';
import { SignalwireEmulator } from '../providers/signalwire/signalwire.emulator';
import { TwilioEmulator } from '../providers/twilio/twilio.emulator';

export interface Emulators {
  twilio: TwilioEmulator;
  plivo: PlivoEmulator;
  signalwire: SignalwireEmulator;
  bandwidth: BandwidthEmulator;
  close(): Promise<void>;
}

/** Starts all four provider emulators on loopback (ports 0 = any free one). */
export async function startEmulators(
  options: { now?: () => Date; ports?: Partial<Record<keyof Omit<Emulators, 'close'>, number>> } = {},
): Promise<Emulators> {
  const emulators = {
    twilio: new TwilioEmulator(options.now),
    plivo: new PlivoEmulator(options.now),
    signalwire: new SignalwireEmulator(options.now),
    bandwidth: new BandwidthEmulator(options.now),
  };
  await Promise.all(
    Object.entries(emulators).map(([name, emulator]) => emulator.listen(options.ports?.[name as keyof typeof emulators] ?? 0)),
  );
  return { ...emulators, close: async () => void (await Promise.all(Object.values(emulators).map((emulator) => emulator.close()))) };
}

const hex = (length: number) => randomBytes(length).toString('hex').slice(0, length);
const alnum = (length: number) =>
  randomBytes(length * 2)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, length);

/** A provider account body for POST /v1/provider-accounts whose credentials the emulator knows. */
export interface EmulatedAccount {
  provider: string;
  baseUrl: string;
  config: Record<string, unknown>;
  secrets: Record<string, string>;
}

export function emulatedTwilioAccount(emulator: TwilioEmulator): EmulatedAccount {
  const config = { accountSid: `AC${hex(32)}`, apiKeySid: `SK${hex(32)}`, outgoingApplicationSid: `AP${hex(32)}` };
  const secrets = { apiKeySecret: alnum(32), authToken: hex(32) };
  emulator.addAccount({
    accountSid: config.accountSid,
    authToken: secrets.authToken,
    apiKeys: [{ sid: config.apiKeySid, secret: secrets.apiKeySecret }],
    applicationSids: [config.outgoingApplicationSid],
  });
  return { provider: 'twilio', baseUrl: emulator.url, config, secrets };
}

export function emulatedPlivoAccount(emulator: PlivoEmulator): EmulatedAccount {
  const config = { authId: `MA${alnum(18).toUpperCase()}`, answerUrl: 'https://example.com/plivo/answer' };
  const secrets = { authToken: alnum(40) };
  emulator.addAccount(config.authId, secrets.authToken);
  return { provider: 'plivo', baseUrl: emulator.url, config, secrets };
}

export function emulatedSignalwireAccount(emulator: SignalwireEmulator): EmulatedAccount & { addresses: string[] } {
  const config = { space: 'sandbox', projectId: randomUUID() };
  const secrets = { apiToken: `PT${hex(48)}`, clickToCallToken: `c2c_${hex(24)}` };
  const addresses = [randomUUID(), randomUUID(), randomUUID()];
  emulator.addProject(config.projectId, secrets.apiToken, { addresses, clickToCallTokens: [secrets.clickToCallToken] });
  return { provider: 'signalwire', baseUrl: emulator.url, config, secrets, addresses };
}

export function emulatedBandwidthAccount(emulator: BandwidthEmulator, network: 'global' | 'us' = 'global'): EmulatedAccount {
  const config = { network, clientId: `client-${hex(12)}` };
  const secrets = { clientSecret: alnum(32) };
  emulator.addClient(config.clientId, secrets.clientSecret, network);
  return { provider: 'bandwidth', baseUrl: emulator.url, config, secrets };
}
