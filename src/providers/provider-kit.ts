import { EmulatorServer } from './emulator/emulator-server';
import { ProviderDefinition } from './provider-definition';

/** A provider account body for POST /v1/provider-accounts whose credentials an emulator knows. */
export interface EmulatedAccount {
  provider: string;
  baseUrl: string;
  config: Record<string, unknown>;
  secrets: Record<string, string>;
}

/** What the sandbox seeded for one provider, for the commands it prints. */
export interface SandboxGuideContext {
  /** A curl command that mints a token with the demo tenant's key, for this request body. */
  mint: (body: Record<string, unknown>) => string;
  /** Callpass's base URL. */
  url: string;
  emulatorUrl: string;
  accountId: string;
  endpointId: string;
  /** An origin the demo tenant allows (for public routes that check Origin). */
  allowedOrigin: string;
}

/**
 * What the sandbox and tests need of a provider besides its definition: its emulator, fake credentials and the
 * sandbox's demo. `provider-kits.ts` lists the kits; the sandbox, `npm run emulators`, the test factories and the
 * bench loop over that list. Never imported by the running service, so its build holds no emulator.
 */
export interface ProviderKit<
  Emulator extends EmulatorServer = EmulatorServer,
  Account extends EmulatedAccount = EmulatedAccount,
> extends ProviderDefinition {
  /** Tokens are signed here with no call to the provider: `validCredentials()` mint real tokens (`npm run bench`). */
  readonly signsLocally?: boolean;

  createEmulator(now?: () => Date): Emulator;
  /**
   * Fake credentials `npm run emulators` accepts and prints: fixed, so docs/walk-through.md can be copied as written,
   * except a private key, which is made when the emulators start rather than committed.
   */
  readonly demoCredentials: Record<string, unknown>;
  registerDemoCredentials(emulator: Emulator): void;
  /** Fresh credentials, made known to the emulator, as an account body pointing at it. */
  emulatedAccount(emulator: Emulator): Account;
  /** Well-formed fake credentials (fresh values each call) that no emulator knows: for validation tests. */
  validCredentials(): { config: Record<string, unknown>; secrets: Record<string, string> };

  /** The sandbox's demo user at this provider: the rest of the POST /v1/endpoints body. */
  demoEndpoint(account: Account): Record<string, unknown>;
  /** Account policy the sandbox sets besides auto-enrolment (e.g. options end users may set). */
  readonly demoPolicy?: Record<string, unknown>;
  /** Lines the sandbox prints for this provider: `# heading` comments, each followed by the curl commands. */
  sandboxGuide(context: SandboxGuideContext): string[];
}
