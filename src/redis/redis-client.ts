import { Logger } from '@nestjs/common';
import Redis from 'ioredis';

/** Injection token: the shared ioredis client, or undefined when REDIS_URL is not set. */
export const REDIS_CLIENT = Symbol('RedisClient');

/** A command Redis has not answered in this long fails, and its caller falls back to its own process. */
const COMMAND_TIMEOUT_MS = 500;

const logger = new Logger('Redis');

/**
 * One Redis connection per process. Commands fail fast while it is down (no offline queue) or slow (a command
 * timeout), so callers fall back to their in-process state instead of waiting; it reconnects by itself.
 */
export function connectRedis(url: string): Redis {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: COMMAND_TIMEOUT_MS,
  });
  let lastError = '';
  client.on('error', (error: Error) => {
    // Logged once per distinct error, not once per reconnection attempt.
    if (error.message !== lastError) logger.warn(`Redis unavailable, working within this process meanwhile: ${error.message}`);
    lastError = error.message;
  });
  client.on('ready', () => {
    if (lastError) logger.log('Redis reachable again');
    lastError = '';
  });
  return client;
}

/** Whether Redis answers a PING within the command timeout. */
export async function redisAnswers(client: Redis): Promise<boolean> {
  try {
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  }
}
