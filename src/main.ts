import 'reflect-metadata';
import fs from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { configureApp, createHttpAdapter } from './app.setup';
import { createLogger, PinoNestLogger } from './common/logging/logger';
import { AppConfig } from './config/app-config';
import { ConfigValidationError } from './config/environment';
import { MigrationError } from './database/migrator';

async function bootstrap(): Promise<void> {
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  const config = AppConfig.fromEnvironment(process.env);
  const logger = createLogger(config.logLevel);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule,
    createHttpAdapter(logger, { trustProxy: config.trustProxy }),
    { logger: new PinoNestLogger(logger), abortOnError: false },
  );
  configureApp(app);
  await app.listen(config.port, config.host);
  logger.info(`Callpass listening on ${await app.getUrl()} (API docs at /docs)`);
}

bootstrap().catch((error: unknown) => {
  // Configuration and migration problems are the operator's to fix: one clear line, no stack trace.
  if (error instanceof ConfigValidationError || error instanceof MigrationError) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exit(1);
});
