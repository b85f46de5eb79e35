import 'reflect-metadata';
import fs from 'node:fs';
import { createLogger } from './common/logging/logger';
import { AppConfig } from './config/app-config';
import { ConfigValidationError } from './config/environment';
import { DataDirInUseError } from './database/data-dir-lock';
import { MigrationError } from './database/migrator';
import { startServer } from './server';

async function bootstrap(): Promise<void> {
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  const config = AppConfig.fromEnvironment(process.env);
  const logger = createLogger(config.logLevel);
  const app = await startServer(config, logger);
  logger.info(`Callpass listening on ${await app.getUrl()} (API docs at /docs)`);
}

bootstrap().catch((error: unknown) => {
  // Configuration and migration problems are the operator's to fix: one clear line, no stack trace.
  if (error instanceof ConfigValidationError || error instanceof MigrationError || error instanceof DataDirInUseError) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exit(1);
});
