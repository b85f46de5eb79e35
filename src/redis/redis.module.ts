import { Global, Inject, Injectable, Module, OnModuleDestroy } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { connectRedis, REDIS_CLIENT } from './redis-client';
import { RedisChannelsService } from './redis-channels';
import { SharedFlightsService } from './shared-flights';

/** Closes the client with the app. */
@Injectable()
class RedisLifecycleService implements OnModuleDestroy {
  constructor(@Inject(REDIS_CLIENT) private readonly client: Redis | undefined) {}

  async onModuleDestroy(): Promise<void> {
    await this.client?.quit().catch(() => this.client?.disconnect());
  }
}

/** The optional Redis every replica shares (REDIS_URL): its client, pub/sub channels and shared single flights. */
@Global()
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => (config.redisUrl ? connectRedis(config.redisUrl) : undefined),
    },
    RedisLifecycleService,
    RedisChannelsService,
    SharedFlightsService,
  ],
  exports: [REDIS_CLIENT, RedisChannelsService, SharedFlightsService],
})
export class RedisModule {}
