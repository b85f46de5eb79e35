import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type Redis from 'ioredis';
import { LRUCache } from 'lru-cache';
import { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { Clock } from '../common/clock/clock';
import { errorBody } from '../common/errors/app-error';
import { commonErrors } from '../common/errors/common.errors';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics';
import { REDIS_CLIENT } from '../redis/redis-client';
import { RefusalTallyService } from '../token-log/refusal-tally';
import { requestClientKey } from './client-address';
import { minuteCounter } from './rate-limits';

/** Routes anyone may call with a credential of their own making: counted per client before any work. */
const OPEN_ROUTES = ['/v1/client/', '/v1/signalwire/embeds/'];
const CLIENTS_KEPT = 100_000;
/** Made once: an error's stack trace costs more than the rest of a refusal. */
const RATE_LIMITED = commonErrors.rate_limited();

type LimitName = 'client' | 'client_auth_failures';
type LimitedRequest = FastifyRequest & { refusedClient?: boolean };

/** One per-client count, and the clients over it until their window ends (ms since the epoch, on the injected clock). */
class ClientLimit {
  private readonly refusedUntil = new LRUCache<string, number>({ max: CLIENTS_KEPT });
  private readonly counter: RateLimiterAbstract;

  constructor(
    readonly name: LimitName,
    readonly perMinute: number,
    redis: Redis | undefined,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.counter = minuteCounter(redis, `callpass-${name.replaceAll('_', '-')}`, perMinute);
  }

  /** How long the client is still refused, in ms (0: it is not). `client` may be scoped to a kind of route. */
  refusedFor(client: string): number {
    return Math.max(0, (this.refusedUntil.get(client) ?? 0) - this.clock.now().getTime());
  }

  /** Counts one against the client; the client is refused from its `perMinute`-th on, until its window ends. */
  async count(client: string): Promise<void> {
    // Over the limit, rate-limiter-flexible rejects with the count; anything else (no store at all) counts nothing.
    const counted = await this.counter
      .consume(client)
      .catch((rejected: unknown) => (rejected instanceof RateLimiterRes ? rejected : undefined));
    if (!counted || counted.consumedPoints < this.perMinute || this.refusedFor(client) > 0) return;
    this.refusedUntil.set(client, this.clock.now().getTime() + counted.msBeforeNext);
    this.logger.warn(
      `Client ${client} is over its limit (${this.name}, ${this.perMinute} per minute): refused for ${Math.ceil(counted.msBeforeNext / 1000)} s`,
    );
  }
}

/**
 * Refuses a flooding client before it costs anything: per client address (TRUST_PROXY decides which), at most
 * CLIENT_REQUESTS_PER_MINUTE requests to the open routes, which take a credential anyone can make up (the browser
 * routes, the embed exchange), and at most CLIENT_AUTH_FAILURES_PER_MINUTE answers of 401 on the open routes, and as
 * many again on the others (bad tenant keys): junk on the browser routes does not shut a tenant's backend out of its
 * own. Past a limit, the client is refused with 429 from memory, in the first hook, on the routes of that limit,
 * until the minute ends: no body parsing, no database, no signature, no Redis; its refusals are counted per client
 * and minute (RefusalTallyService) and logged once, not per request. With Redis the counts are shared by the replicas.
 */
@Injectable()
export class ClientLimitsService {
  private readonly logger = new Logger('ClientLimits');
  private readonly requests: ClientLimit;
  private readonly failures: ClientLimit;
  private readonly trustProxy: AppConfig['trustProxy'];
  private proxyNoticed = false;

  constructor(
    @Inject(REDIS_CLIENT) redis: Redis | undefined,
    config: AppConfig,
    clock: Clock,
    private readonly tally: RefusalTallyService,
    private readonly metrics: MetricsService,
  ) {
    this.requests = new ClientLimit('client', config.clientRequestsPerMinute, redis, clock, this.logger);
    this.failures = new ClientLimit('client_auth_failures', config.clientAuthFailuresPerMinute, redis, clock, this.logger);
    this.trustProxy = config.trustProxy;
  }

  /**
   * For a Fastify onRequest hook, before any other work: answers 429 for a client over a limit (true: the request
   * ends there); counts the requests of the open routes (a promise), and lets the rest through (false).
   */
  admit(fastifyRequest: FastifyRequest, reply: FastifyReply): boolean | Promise<void> {
    const request = fastifyRequest as LimitedRequest;
    this.noticeUntrustedProxy(request);
    const client = requestClientKey(request);
    const open = isOpenRoute(request);
    const failing = this.failures.refusedFor(failureKey(client, open));
    if (failing > 0) return this.refuse(request, reply, client, this.failures, failing);
    if (!open) return false;
    const flooding = this.requests.refusedFor(client);
    if (flooding > 0) return this.refuse(request, reply, client, this.requests, flooding);
    return this.requests.count(client);
  }

  /**
   * For a Fastify onSend hook: a 401 counts against the client's failures before it is sent, so that the client's next
   * request, on any replica, finds it counted (a promise); other answers are not counted (undefined).
   */
  counted(request: FastifyRequest, reply: FastifyReply): Promise<void> | undefined {
    return reply.statusCode === 401 ? this.failures.count(failureKey(requestClientKey(request), isOpenRoute(request))) : undefined;
  }

  /** Once: behind a proxy that TRUST_PROXY does not name, every client looks like the proxy. */
  private noticeUntrustedProxy(request: FastifyRequest): void {
    if (this.proxyNoticed || this.trustProxy !== false || request.headers['x-forwarded-for'] === undefined) return;
    this.proxyNoticed = true;
    this.logger.warn(
      'Requests carry X-Forwarded-For but TRUST_PROXY is off: every client behind the proxy counts as the proxy for the ' +
        "per-client limits and the logs' client addresses; set TRUST_PROXY to the proxy's hop count or addresses",
    );
  }

  /** Whether this request was refused here: such requests are counted, not logged one by one. */
  static refused(request: FastifyRequest): boolean {
    return (request as LimitedRequest).refusedClient === true;
  }

  private refuse(request: LimitedRequest, reply: FastifyReply, client: string, limit: ClientLimit, msLeft: number): true {
    const retryAfterSeconds = Math.max(1, Math.ceil(msLeft / 1000));
    const { code, status, message } = RATE_LIMITED;
    request.refusedClient = true;
    this.metrics.rateLimited.inc({ limit: limit.name });
    if ((request.routeOptions.config as { tokenRoute?: boolean }).tokenRoute === true)
      this.tally.count({ actorKind: 'unauthenticated', clientIp: client, errorCode: code });
    const details = { limit: limit.name, perMinute: limit.perMinute, retryAfterSeconds };
    void reply.status(status).header('retry-after', String(retryAfterSeconds)).send(errorBody({ code, message, details }));
    return true;
  }
}

/** Matched by the route, as Fastify decoded the path: `/v1/%63lient/…` is the browser route too. */
function isOpenRoute(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  return route !== undefined && OPEN_ROUTES.some((prefix) => route.startsWith(prefix));
}

/** 401s are counted apart on the open routes and on the others (the key reads well in the log line, too). */
function failureKey(client: string, open: boolean): string {
  return `${client} on ${open ? 'the open routes' : 'the keyed routes'}`;
}
