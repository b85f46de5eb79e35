import { bandwidthProvider } from './bandwidth/bandwidth.provider';
import { plivoProvider } from './plivo/plivo.provider';
import { ProviderDefinition } from './provider-definition';
import { signalwireProvider } from './signalwire/signalwire.provider';
import { telnyxProvider } from './telnyx/telnyx.provider';
import { twilioProvider } from './twilio/twilio.provider';
import { vonageProvider } from './vonage/vonage.provider';

/**
 * Every provider Callpass supports. Adding one: a folder with its adapter, its definition (`<name>.provider.ts`,
 * listed here) and its kit for the sandbox and tests (listed in `provider-kits.ts`).
 */
const providers = [twilioProvider, plivoProvider, signalwireProvider, bandwidthProvider, telnyxProvider, vonageProvider] as const;

export type ProviderName = (typeof providers)[number]['name'];

export const PROVIDERS: readonly (ProviderDefinition & { name: ProviderName })[] = providers;

/** The longest token lifetime any provider allows: no tenant or request setting may exceed it. */
export const PROVIDER_MAX_TTL_SECONDS = Math.max(...providers.map((provider) => provider.maxTtlSeconds));

/** "Twilio, Plivo, … and Vonage", for documentation. */
export const PROVIDER_TITLES = `${providers
  .slice(0, -1)
  .map((provider) => provider.title)
  .join(', ')} and ${providers.at(-1)!.title}`;
