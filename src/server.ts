import net from 'node:net';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { configureApp, createHttpAdapter } from './app.setup';
import { DeliverySchedulerService } from './audit-streaming/delivery-thread/delivery-scheduler.service';
import { PinoNestLogger } from './common/logging/logger';
import { AppConfig } from './config/app-config';

/** Creates, configures and starts the HTTP service; main.ts and the sandbox both start it this way. */
export async function startServer(
  config: AppConfig,
  logger: Logger,
  rootModule: typeof AppModule | DynamicModule = AppModule,
): Promise<NestFastifyApplication> {
  await checkCanListen(config.port, config.host);
  const app = await NestFactory.create<NestFastifyApplication>(rootModule, createHttpAdapter(logger, config), {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  await configureApp(app);
  await app.listen(config.port, config.host);
  app.get(DeliverySchedulerService).start();
  return app;
}

/**
 * Fails at once, with the error listening would give, when the port is taken or the host is not this machine's:
 * before the seconds that opening the database and migrating take. Listening still reports a port taken meanwhile.
 */
async function checkCanListen(port: number, host: string): Promise<void> {
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}
