import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type Redis from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../common/errors/app-error';
import { commonErrors } from '../common/errors/common.errors';
import { MetricsService } from '../metrics/metrics';
import { REDIS_CLIENT } from '../redis/redis-client';

/** One limit to count a request against: at most `perMinute` requests per `key` in each minute. */
export interface RateLimitRule {
  /** Which limit it is (`user`, `key`, `tenant`, …), named in the 429's details. */
  name: string;
  key: string;
  perMinute: number;
}

/** One count a request made, kept on the request until it is answered, in case an outage gives it back. */
export interface RateLimitCharge {
  key: string;
  windowEndsAt: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * What the request was counted for, kept until it is answered in case an outage gives it back. Declared on every
     * request up front (`decorateRequest` in app.setup.ts), not kept in a map beside it: nothing extra per request on
     * the token path.
     */
    rateLimitCharges: RateLimitCharge[] | null;
  }
}

/** A request as the limits see it. */
export type CountedRequest = Pick<FastifyRequest, 'rateLimitCharges'>;

/** Where the caller stands against its tightest limit: what the RateLimit-* headers say. */
export interface RateLimitState {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

const WINDOW_SECONDS = 60;
/** The counters only count: each rule's own limit decides, so one counter serves every limit. */
const UNBOUNDED = Number.MAX_SAFE_INTEGER;

/**
 * Fixed one-minute windows counted by rate-limiter-flexible: in Redis when REDIS_URL is set, so every replica
 * counts against the same budget, with an in-process counter as insurance while Redis is unreachable; otherwise in
 * process memory.
 */
@Injectable()
export class RateLimitsService {
  private readonly counter: RateLimiterAbstract;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis | undefined,
    private readonly metrics: MetricsService,
  ) {
    this.counter = minuteCounter(redis, 'callpass-rl', UNBOUNDED);
  }

  /**
   * Counts one request against each rule in turn and refuses it (429 rate_limited, with `retryAfterSeconds`) at the
   * first one exceeded; the rules after it are not counted. Returns the state of the tightest rule.
   */
  async consume(rules: RateLimitRule[], request?: CountedRequest): Promise<RateLimitState | undefined> {
    let tightest: RateLimitState | undefined;
    const charges: RateLimitCharge[] = [];
    const countedAt = Date.now();
    // rate-limiter-flexible turns to its insurance (this process's counters) on its own; this counts it.
    if (this.redis && this.redis.status !== 'ready') this.metrics.redisFallbacks.inc({ feature: 'rate_limits' });
    for (const rule of rules) {
      const counted: RateLimiterRes = await this.counter.consume(rule.key);
      charges.push({ key: rule.key, windowEndsAt: countedAt + counted.msBeforeNext });
      const state = {
        limit: rule.perMinute,
        remaining: Math.max(0, rule.perMinute - counted.consumedPoints),
        resetSeconds: Math.max(1, Math.ceil(counted.msBeforeNext / 1000)),
      };
      if (counted.consumedPoints > rule.perMinute) {
        this.metrics.rateLimited.inc({ limit: rule.name });
        throw commonErrors.rate_limited({ limit: rule.name, perMinute: rule.perMinute, retryAfterSeconds: state.resetSeconds });
      }
      if (!tightest || state.remaining < tightest.remaining) tightest = state;
    }
    if (request) request.rateLimitCharges = charges;
    return tightest;
  }

  /**
   * Gives back what `request` was counted for when it could not be served because a provider (or another dependency)
   * was out of reach (an `outage` error): that is nobody's request too many, and the browser library retries through
   * an outage, so it must not spend the user's, key's or tenant's budget. Every other answer stays counted, a provider's
   * refusal (bad credentials, its own rate limit) included: a client repeating those is what the limits are for. A
   * window that has ended meanwhile gets nothing (the count would go below zero in the next one). Never throws;
   * undefined when there is nothing to give back.
   */
  refundUnserved(request: CountedRequest, answered: AppError | undefined): Promise<void> | undefined {
    const charges = answered?.outage ? request.rateLimitCharges : undefined;
    if (!charges) return undefined;
    request.rateLimitCharges = null;
    const open = charges.filter((charge) => Date.now() < charge.windowEndsAt);
    return Promise.all(open.map((charge) => this.counter.reward(charge.key, 1))).then(
      () => undefined,
      () => undefined,
    );
  }
}

/**
 * `points` per key and minute, counted in Redis when there is one (the replicas share the count), with this process's
 * own count as insurance while Redis is unreachable; otherwise in this process.
 */
export function minuteCounter(redis: Redis | undefined, keyPrefix: string, points: number): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ points, duration: WINDOW_SECONDS, keyPrefix });
  if (!redis) return memory;
  return new RateLimiterRedis({
    storeClient: redis,
    points,
    duration: WINDOW_SECONDS,
    keyPrefix,
    rejectIfRedisNotReady: true,
    insuranceLimiter: memory,
  });
}
