import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { configureApp, createHttpAdapter } from './app.setup';
import { PinoNestLogger } from './common/logging/logger';
import { AppConfig } from './config/app-config';

/** Creates, configures and starts the HTTP service; main.ts and the sandbox both start it this way. */
export async function startServer(
  config: AppConfig,
  logger: Logger,
  rootModule: typeof AppModule | DynamicModule = AppModule,
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(rootModule, createHttpAdapter(logger, config), {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  await configureApp(app);
  await app.listen(config.port, config.host);
  return app;
}
