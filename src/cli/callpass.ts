#!/usr/bin/env node
import 'reflect-metadata';
import fs from 'node:fs';
import { Command, CommanderError } from 'commander';
import { describeStartupError } from '../startup-errors';
import { cliEnvironment } from './cli-environment';
import { CliError } from './cli-error';
import { apiCommands } from './commands/api.commands';
import { setupCommands } from './commands/setup.commands';
import { Output } from './output';

/**
 * `callpass`: set up and operate Callpass from a terminal. `init`, `migrate`, `keys` and `audit` work on the database
 * directly (the embedded one needs the server stopped); the rest call a running Callpass (CALLPASS_URL) with a key
 * from the environment. `--json` prints JSON for scripts. Exit codes: 0 done, 1 refused or failed, 2 wrong usage.
 */
const program = new Command('callpass')
  .description('Callpass: short-lived browser-calling tokens, minted from provider secrets that never reach a browser')
  .option('--json', 'print JSON')
  .exitOverride()
  .showHelpAfterError();
const output = (): Output => ({ json: Boolean(program.opts<{ json?: boolean }>().json) });
// The one place the CLI reads its environment: a `.env` file in this folder first (as `npm start` reads one), then
// everything the commands use, passed down.
if (fs.existsSync('.env')) process.loadEnvFile('.env');
const environment = cliEnvironment(process.env);
setupCommands(program, output, environment);
apiCommands(program, output, environment);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  const message =
    error instanceof CliError ? error.message : (describeStartupError(error) ?? (error instanceof Error ? error.message : String(error)));
  console.error(`callpass: ${message}`);
  process.exit(error instanceof CliError ? error.exitCode : 1);
});
