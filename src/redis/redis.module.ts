import { Global, Inject, Injectable, Logger, Module, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';

/** Injection token: the shared ioredis client, or undefined when REDIS_URL is not set. */
export const REDIS_CLIENT = Symbol('RedisClient');

/** Closes the client with the app. */
@Injectable()
class RedisLifecycle implements OnModuleDestroy {
  constructor(@Inject(REDIS_CLIENT) private readonly client: Redis | undefined) {}

  async onModuleDestroy(): Promise<void> {
    await this.client?.quit().catch(() => this.client?.disconnect());
  }
}

const logger = new Logger('Redis');

/**
 * One Redis connection per process when REDIS_URL is set. Commands fail fast while it is down (no offline queue),
 * so callers fall back to their in-process state instead of waiting.
 */
@Global()
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        if (!config.redisUrl) return undefined;
        const client = new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 });
        let lastError = '';
        client.on('error', (error: Error) => {
          // Logged once per distinct error, not once per reconnection attempt.
          if (error.message !== lastError) logger.warn(`Redis unavailable, counting in this process meanwhile: ${error.message}`);
          lastError = error.message;
        });
        client.on('ready', () => {
          if (lastError) logger.log('Redis reachable again');
          lastError = '';
        });
        return client;
      },
    },
    RedisLifecycle,
  ],
  exports: [REDIS_CLIENT],
})
export class RedisModule {}
