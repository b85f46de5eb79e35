import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { createLogger, PinoNestLogger } from '../common/logging/logger';
import { AppConfig } from '../config/app-config';
import { CliEnvironment } from './cli-environment';

/**
 * Callpass opened in this process, without its HTTP server, for the commands that work on the database directly:
 * migrations run, keys loaded, as `npm start` would. The embedded database allows one process at a time, so these
 * commands need the server stopped (or PostgreSQL).
 */
export async function withAppContext<T>(
  environment: CliEnvironment,
  work: (app: INestApplicationContext, config: AppConfig) => Promise<T>,
): Promise<T> {
  // Validated first: a bad setting is told in one line, before anything starts.
  const config = environment.config();
  const app = await NestFactory.createApplicationContext(AppModule, {
    logger: new PinoNestLogger(createLogger('error')),
    abortOnError: false,
  });
  try {
    return await work(app, config);
  } finally {
    await app.close();
  }
}
