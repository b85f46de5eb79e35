import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from './redis-client';

/**
 * Redis pub/sub between the replicas, for news every replica should act on at once (a circuit opened). One
 * subscriber connection per process, opened with the first subscription; without REDIS_URL nothing is sent or heard.
 * Messages are hints: a replica that misses one (Redis down, or it started later) only learns the news itself.
 */
@Injectable()
export class RedisChannelsService implements OnModuleDestroy {
  private readonly logger = new Logger('RedisChannels');
  private subscriber?: Redis;
  private readonly handlers = new Map<string, (message: string) => void>();

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis | undefined) {}

  get enabled(): boolean {
    return this.redis !== undefined;
  }

  subscribe(channel: string, handler: (message: string) => void): void {
    if (!this.redis) return;
    if (!this.subscriber) {
      // Its own connection (a subscribed connection runs nothing else), queueing the SUBSCRIBE until it is up.
      const subscriber = this.redis.duplicate({ enableOfflineQueue: true, commandTimeout: undefined });
      subscriber.on('error', () => undefined);
      subscriber.on('message', (from: string, message: string) => {
        try {
          this.handlers.get(from)?.(message);
        } catch (error) {
          this.logger.warn(`Ignored a message on ${from}: ${(error as Error).message}`);
        }
      });
      this.subscriber = subscriber;
    }
    this.handlers.set(channel, handler);
    void this.subscriber.subscribe(channel).catch(() => undefined);
  }

  publish(channel: string, message: string): void {
    this.redis?.publish(channel, message).catch(() => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }
}
