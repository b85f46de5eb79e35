import { PROVIDER_KITS } from '../../src/providers/provider-kits';
import { ProviderName } from '../../src/providers/provider-list';

/** Well-formed (fake) credentials per provider, from each provider's kit. Fresh values each call. */
export const validCredentials = Object.fromEntries(PROVIDER_KITS.map((kit) => [kit.name, () => kit.validCredentials()])) as Record<
  ProviderName,
  () => { config: Record<string, unknown>; secrets: Record<string, string> }
>;

export type { ProviderName };
export const PROVIDER_NAMES = PROVIDER_KITS.map((kit) => kit.name);
