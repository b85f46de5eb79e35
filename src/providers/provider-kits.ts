import { bandwidthKit } from './bandwidth/bandwidth.kit';
import { plivoKit } from './plivo/plivo.kit';
import { ProviderKit } from './provider-kit';
import { signalwireKit } from './signalwire/signalwire.kit';
import { telnyxKit } from './telnyx/telnyx.kit';
import { twilioKit } from './twilio/twilio.kit';
import { vonageKit } from './vonage/vonage.kit';

/** Every provider Callpass supports. Adding one: a folder with its adapter and kit, and its kit in this list. */
const kits = [twilioKit, plivoKit, signalwireKit, bandwidthKit, telnyxKit, vonageKit] as const;

type Kit = (typeof kits)[number];
export type ProviderName = Kit['name'];
export type KitOf<Name extends ProviderName> = Extract<Kit, { name: Name }>;

/** The kits, for code that treats every provider alike. */
export const PROVIDER_KITS: readonly (ProviderKit & { name: ProviderName })[] = kits;

/** The kits by name, each with its own types: `providerKits.twilio.emulatedAccount(emulators.twilio)`. */
export const providerKits = Object.fromEntries(kits.map((kit) => [kit.name, kit])) as { [Name in ProviderName]: KitOf<Name> };

/** The longest token lifetime any provider allows: no tenant or request setting may exceed it. */
export const PROVIDER_MAX_TTL_SECONDS = Math.max(...kits.map((kit) => kit.maxTtlSeconds));

/** "Twilio, Plivo, … and Vonage", for documentation. */
export const PROVIDER_TITLES = `${kits
  .slice(0, -1)
  .map((kit) => kit.title)
  .join(', ')} and ${kits.at(-1)!.title}`;
