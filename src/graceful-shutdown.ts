import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { DrainService } from './health/drain';
import { tracingState } from './tracing/spans';

/**
 * Shuts down without dropping work: readiness fails at once, the listener stops taking connections, requests in
 * flight finish (their audit rows committed: each waits for its own), and only then do the modules close (counted
 * refusals written, pools closed). Nest's own shutdown hooks close the modules first, under the requests' feet.
 */
export async function drain(app: NestFastifyApplication): Promise<void> {
  app.get(DrainService).begin();
  await app.getHttpAdapter().getInstance().close();
  await app.close();
}

/**
 * SIGTERM or SIGINT drains, then exits 0; past `graceMs` the process exits (1) anyway. A second signal exits at once.
 */
export function drainOnSignals(app: NestFastifyApplication, logger: Logger, graceMs: number): void {
  let draining = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (draining) {
      logger.warn({ signal }, 'Second signal: exiting without waiting for requests in flight');
      process.exit(1);
    }
    draining = true;
    logger.info({ signal, graceMs }, 'Draining: not ready, taking no new connections, finishing requests in flight');
    const deadline = setTimeout(() => {
      logger.error({ graceMs }, 'Still draining when the grace period ended (SHUTDOWN_GRACE_SECONDS); exiting');
      process.exit(1);
    }, graceMs).unref();
    drain(app).then(
      async () => {
        clearTimeout(deadline);
        logger.info('Drained; exiting');
        // Exports the spans still buffered.
        await tracingState.shutdown();
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'Draining failed; exiting');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
