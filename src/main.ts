// First of all (tracing patches modules as they load): loads a .env file into process.env and starts tracing if asked.
import './tracing/start-tracing';
import 'reflect-metadata';
import path from 'node:path';
import { AdminBootstrapService } from './api-keys/admin-bootstrap.service';
import { createLogger } from './common/logging/logger';
import { AppConfig } from './config/app-config';
import { drainOnSignals } from './graceful-shutdown';
import { startServer } from './server';
import { describeStartupError } from './startup-errors';

async function bootstrap(): Promise<void> {
  const config = AppConfig.fromEnvironment(process.env);
  const logger = createLogger(config.logLevel, undefined, config.logFormat);
  try {
    const app = await startServer(config, logger);
    drainOnSignals(app, logger, config.shutdownGraceMs);
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const database = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded, in ${path.join(config.dataDir, 'pglite')}`;
    if (config.logFormat === 'pretty') printBanner(url, database, await app.get(AdminBootstrapService).hasUsableAdminKey());
    else logger.info({ url, docs: `${url}/docs`, database }, `Callpass listening on ${url}`);
  } catch (error) {
    // What an operator can fix gets one line naming the setting; the stack is for debugging.
    const explained = describeStartupError(error, { host: config.host, port: config.port });
    if (!explained) throw error;
    logger.debug({ err: error }, 'start-up failed');
    console.error(explained);
    process.exit(1);
  }
}

function printBanner(url: string, database: string, hasAdminKey: boolean): void {
  console.log(
    [
      '',
      `  Callpass is listening on ${url}`,
      `  API docs   ${url}/docs`,
      `  database   ${database}`,
      `  admin key  ${hasAdminKey ? 'set up (keys are shown only when created)' : 'none yet: stop (Ctrl-C) and run `npm run setup`'}`,
      '',
    ].join('\n'),
  );
}

bootstrap().catch((error: unknown) => {
  console.error(describeStartupError(error) ?? error);
  process.exit(1);
});
