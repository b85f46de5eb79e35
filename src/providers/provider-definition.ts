import { Type } from '@nestjs/common';

/**
 * What the running service knows of a provider besides its adapter: its name, its title and the module holding the
 * adapter. `provider-list.ts` lists them. What only the sandbox and tests need (emulators, fake credentials) is in
 * the provider's kit (`provider-kit.ts`), which production code never imports.
 */
export interface ProviderDefinition {
  /** The adapter's name: stored on accounts, used in URLs and audit rows. */
  readonly name: string;
  /** For people: "SignalWire". */
  readonly title: string;
  /** The module holding the adapter (imported by ProvidersModule). */
  readonly module: Type<unknown>;
  /** The provider's ceiling on token lifetime (the adapter's `maxTtlSeconds`). */
  readonly maxTtlSeconds: number;
}
