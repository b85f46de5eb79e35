import { KitOf, PROVIDER_KITS } from '../providers/provider-kits';
import { ProviderName } from '../providers/provider-list';

export type Emulators = { [Name in ProviderName]: ReturnType<KitOf<Name>['createEmulator']> } & { close(): Promise<void> };

/** Starts every provider's emulator on loopback (port 0, or none given: any free one). */
export async function startEmulators(
  options: { now?: () => Date; ports?: Partial<Record<ProviderName, number>> } = {},
): Promise<Emulators> {
  const emulators = PROVIDER_KITS.map((kit) => kit.createEmulator(options.now));
  await Promise.all(emulators.map((emulator, index) => emulator.listen(options.ports?.[PROVIDER_KITS[index].name] ?? 0)));
  return {
    ...(Object.fromEntries(emulators.map((emulator, index) => [PROVIDER_KITS[index].name, emulator])) as Omit<Emulators, 'close'>),
    close: async () => void (await Promise.all(emulators.map((emulator) => emulator.close()))),
  };
}
