import { randomUUID } from 'node:crypto';
import { AccountContext, MintRequest } from '../../src/providers/provider-adapter';
import { EmulatedAccount } from '../../src/providers/provider-kit';

/** An emulated account as an adapter receives it: opened, with its secrets decrypted. */
export function openedAccount<Config extends object, Secrets extends object>(
  emulated: EmulatedAccount,
  updatedAt: Date,
): AccountContext<Config, Secrets> {
  return {
    id: randomUUID(),
    updatedAt,
    config: emulated.config as Config,
    secrets: emulated.secrets as Secrets,
    baseUrl: emulated.baseUrl,
  };
}

/** What the pipeline hands an adapter for one token; the defaults are an endpoint allowed both ways for 10 minutes. */
export function mintRequest<Config extends object, Secrets extends object>(
  account: AccountContext<Config, Secrets>,
  request: Partial<MintRequest<Config, Secrets>> & { kind: string; now: Date },
): MintRequest<Config, Secrets> {
  return {
    tokenId: randomUUID(),
    account,
    identity: 'alice',
    capabilities: ['incoming', 'outgoing'],
    ttlSeconds: 600,
    maxTtlSeconds: 86_400,
    endpointData: {},
    options: {},
    ...request,
  };
}
