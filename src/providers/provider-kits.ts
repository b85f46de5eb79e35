import { bandwidthKit } from './bandwidth/bandwidth.kit';
import { plivoKit } from './plivo/plivo.kit';
import { ProviderKit } from './provider-kit';
import { ProviderName } from './provider-list';
import { signalwireKit } from './signalwire/signalwire.kit';
import { telnyxKit } from './telnyx/telnyx.kit';
import { twilioKit } from './twilio/twilio.kit';
import { vonageKit } from './vonage/vonage.kit';

/** Every provider's kit, in the order of `PROVIDERS`: for the sandbox, `npm run emulators`, tests and the bench. */
const kits = [twilioKit, plivoKit, signalwireKit, bandwidthKit, telnyxKit, vonageKit] as const;

export type KitOf<Name extends ProviderName> = Extract<(typeof kits)[number], { name: Name }>;

/** The kits, for code that treats every provider alike. */
export const PROVIDER_KITS: readonly (ProviderKit & { name: ProviderName })[] = kits;

/** The kits by name, each with its own types: `providerKits.twilio.emulatedAccount(emulators.twilio)`. */
export const providerKits = Object.fromEntries(kits.map((kit) => [kit.name, kit])) as { [Name in ProviderName]: KitOf<Name> };
