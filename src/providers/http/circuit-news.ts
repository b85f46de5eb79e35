import { randomUUID } from 'node:crypto';
import { RedisChannelsService } from '../../redis/redis-channels';
import { CircuitChange, CircuitNews } from './circuit-breaker';

const CHANNEL = 'callpass:circuits';
/** What a circuit key looks like (see ProviderHttpClient): an account id and an origin. */
const CIRCUIT_KEY = /^[0-9a-f-]{36} https?:\/\/[^\s/?#]{1,255}$/;
const PROVIDER_NAME = /^[a-z][a-z0-9_]{0,31}$/;

/**
 * Circuit news over Redis pub/sub, without hearing this process's own; undefined without REDIS_URL. Messages are
 * checked like any input: only well-formed circuit keys and provider names of this process's own providers pass.
 */
export function redisCircuitNews(channels: RedisChannelsService, providers: () => readonly string[]): CircuitNews | undefined {
  if (!channels.enabled) return undefined;
  const origin = randomUUID();
  return {
    publish: (change) => channels.publish(CHANNEL, JSON.stringify({ origin, ...change })),
    subscribe: (handler) =>
      channels.subscribe(CHANNEL, (message) => {
        const change = parseChange(message);
        if (change && change.origin !== origin && providers().includes(change.provider)) handler(change);
      }),
  };
}

function parseChange(message: string): (CircuitChange & { origin: string }) | undefined {
  try {
    const { origin, key, provider, openForMs } = JSON.parse(message) as Record<string, unknown>;
    if (typeof origin !== 'string' || typeof key !== 'string' || typeof provider !== 'string') return undefined;
    if (!CIRCUIT_KEY.test(key) || !PROVIDER_NAME.test(provider)) return undefined;
    if (openForMs !== undefined && (typeof openForMs !== 'number' || !Number.isFinite(openForMs))) return undefined;
    return { origin, key, provider, openForMs };
  } catch {
    return undefined;
  }
}
