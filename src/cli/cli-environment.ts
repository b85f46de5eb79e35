import { AppConfig } from '../config/app-config';

/** The keys the CLI sends, from the environment: never from the command line. */
export type KeyVariable = 'CALLPASS_ADMIN_KEY' | 'CALLPASS_TENANT_KEY';

const DEFAULT_URL = 'http://127.0.0.1:3000';

/**
 * Everything the CLI takes from its environment. The entry point (callpass.ts) reads `process.env` once and passes
 * this down; nothing else in cli/ reads the environment.
 */
export interface CliEnvironment {
  /** The running Callpass the API commands call: CALLPASS_URL, without a trailing slash. */
  readonly callpassUrl: string;
  /** The keys the API commands call it with, by variable; unset ones are absent. */
  readonly keys: Readonly<Partial<Record<KeyVariable, string>>>;
  /** The service's own configuration, as `npm start` reads it: validated when first asked for (the API commands never ask). */
  config(): AppConfig;
}

export function cliEnvironment(env: Readonly<Record<string, string | undefined>>): CliEnvironment {
  let config: AppConfig | undefined;
  return {
    callpassUrl: (env.CALLPASS_URL || DEFAULT_URL).replace(/\/$/, ''),
    keys: {
      ...(env.CALLPASS_ADMIN_KEY ? { CALLPASS_ADMIN_KEY: env.CALLPASS_ADMIN_KEY } : {}),
      ...(env.CALLPASS_TENANT_KEY ? { CALLPASS_TENANT_KEY: env.CALLPASS_TENANT_KEY } : {}),
    },
    config: () => (config ??= AppConfig.fromEnvironment(env)),
  };
}
