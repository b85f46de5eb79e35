import { randomBytes, randomUUID } from 'node:crypto';

const hex = (length: number) => randomBytes(length).toString('hex').slice(0, length);
const alnum = (length: number) =>
  randomBytes(length * 2)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, length);
const upperAlnum = (length: number) =>
  alnum(length * 2)
    .toUpperCase()
    .slice(0, length);

/** Well-formed (fake) credentials per provider, in the shapes providers/*.md give. Fresh values each call. */
export const validCredentials = {
  twilio: () => ({
    config: { accountSid: `AC${hex(32)}`, apiKeySid: `SK${hex(32)}`, outgoingApplicationSid: `AP${hex(32)}` },
    secrets: { apiKeySecret: alnum(32), authToken: hex(32) },
  }),
  plivo: () => ({
    config: { authId: `MA${upperAlnum(18)}` },
    secrets: { authToken: alnum(40) },
  }),
  signalwire: () => ({
    config: { space: 'example', projectId: randomUUID() },
    secrets: { apiToken: `PT${hex(48)}` },
  }),
  bandwidth: () => ({
    config: { network: 'global', clientId: `client-${hex(8)}` },
    secrets: { clientSecret: alnum(32) },
  }),
};

export type ProviderName = keyof typeof validCredentials;
export const PROVIDERS = Object.keys(validCredentials) as ProviderName[];
