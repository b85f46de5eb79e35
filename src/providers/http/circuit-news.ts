import { randomUUID } from 'node:crypto';
import { RedisChannels } from '../../redis/redis-channels';
import { CircuitChange, CircuitNews } from './circuit-breaker';

const CHANNEL = 'callpass:circuits';

/** Circuit news over Redis pub/sub, without hearing this process's own; undefined without REDIS_URL. */
export function redisCircuitNews(channels: RedisChannels): CircuitNews | undefined {
  if (!channels.enabled) return undefined;
  const origin = randomUUID();
  return {
    publish: (change) => channels.publish(CHANNEL, JSON.stringify({ origin, ...change })),
    subscribe: (handler) =>
      channels.subscribe(CHANNEL, (message) => {
        const change = parseChange(message);
        if (change && change.origin !== origin) handler(change);
      }),
  };
}

function parseChange(message: string): (CircuitChange & { origin: string }) | undefined {
  try {
    const { origin, key, provider, openForMs } = JSON.parse(message) as Record<string, unknown>;
    if (typeof origin !== 'string' || typeof key !== 'string' || typeof provider !== 'string') return undefined;
    if (openForMs !== undefined && typeof openForMs !== 'number') return undefined;
    return { origin, key, provider, openForMs };
  } catch {
    return undefined;
  }
}
