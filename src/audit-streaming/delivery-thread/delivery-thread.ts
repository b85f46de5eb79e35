// The delivery thread's entry (DeliverySchedulerService starts it): delivery with its own event loop and connections.
import 'reflect-metadata';
import { parentPort } from 'node:worker_threads';
import { NestFactory } from '@nestjs/core';
import { createLogger, PinoNestLogger } from '../../common/logging/logger';
import { AppConfig } from '../../config/app-config';
import { MetricsService } from '../../metrics/metrics';
import { SinkDeliveryService } from '../sink-delivery.service';
import { readDeliveryCounters } from './delivery-counters';
import { DeliveryThreadModule } from './delivery-thread.module';

const REPORT_EVERY_MS = 1000;

/**
 * The replica's settings (this thread's copy of its environment), but the thread neither migrates nor serves metrics
 * (the replica does), and pools four connections.
 */
function settleEnvironment(env: NodeJS.ProcessEnv): void {
  delete env.METRICS_PORT;
  Object.assign(env, { MIGRATE_ON_BOOT: 'false', DATABASE_POOL_SIZE: '4' });
}

async function run(): Promise<void> {
  settleEnvironment(process.env);
  const config = AppConfig.fromEnvironment(process.env);
  const logger = createLogger(config.logLevel, undefined, config.logFormat);
  const app = await NestFactory.createApplicationContext(DeliveryThreadModule, { logger: new PinoNestLogger(logger) });
  const metrics = app.get(MetricsService);
  const report = async () => parentPort!.postMessage(await readDeliveryCounters(metrics));
  const reporting = setInterval(() => void report(), REPORT_EVERY_MS);
  app.get(SinkDeliveryService).poll();
  // The one message the thread gets: stop (what is under way finishes first).
  parentPort!.once('message', () => {
    clearInterval(reporting);
    void app
      .close()
      .then(report)
      .finally(() => process.exit(0));
  });
}

run().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
