import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { errors as undiciErrors, request } from 'undici';
import { Clock } from '../../common/clock/clock';
import { AppConfig } from '../../config/app-config';
import { ForbiddenAddressError } from '../../outbound/guarded-dispatcher';
import { OutboundPolicyService } from '../../outbound/outbound-policy';
import { BodyTooLargeError, readCapped } from '../../outbound/read-capped';
import { AccountContext } from '../provider-adapter';
import { ProviderRegistry } from '../provider-registry';
import { providerErrors } from '../providers.errors';
import { MetricsService } from '../../metrics/metrics';
import { RedisChannelsService } from '../../redis/redis-channels';
import { CircuitBreakers } from './circuit-breaker';
import { redisCircuitNews } from './circuit-news';

export interface ProviderRequest {
  /** Provider name, for errors and logs. */
  provider: string;
  /** The account the call is made for: its circuit, and the secrets that must never come back out. */
  account: Pick<AccountContext, 'id' | 'secrets'>;
  /** Other secrets the call carries (a refresh token, a bearer token), scrubbed from answers like the account's. */
  secrets?: string[];
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  /** Whether repeating the call is harmless. Only such calls are retried (a consumed refresh token is not). */
  idempotent: boolean;
  /** A header that gives the seconds until a 429's limit resets, for a provider that sends one instead of Retry-After. */
  rateLimitResetHeader?: string;
}

export interface ProviderResponse {
  status: number;
  /** Parsed JSON, or undefined when the body is empty or not JSON. */
  body: unknown;
  /** The body as received (at most 256 KB), for answers that are not JSON. */
  text: string;
  /** Every secret the call carried, for `providerDetails` to remove from anything the answer quotes. */
  secrets: readonly string[];
}

const MAX_ATTEMPTS = 3;
const BACKOFF_BASE_MS = 100;
const BACKOFF_CAP_MS = 1000;
/** A longer Retry-After than this is not waited out: the caller gets a fast 503 with the hint instead. */
const MAX_RETRY_AFTER_MS = 2000;
/** The longest hint passed on: a provider's larger value is more likely a misread timestamp than a wait. */
const MAX_RETRY_AFTER_HINT_SECONDS = 3600;
const MAX_RESPONSE_BYTES = 256 * 1024;

/**
 * Every call Callpass makes to a provider: a timeout on each attempt; at most 3 attempts, repeating a call only when
 * that is safe (it is idempotent, or the provider never processed it: 429, refused connection) with full-jitter
 * backoff and Retry-After honoured up to 2 s; no redirects; bounded response size; only public addresses (the SSRF
 * guard); and a circuit breaker per provider account and host. Failures become provider_* errors. 2xx and other 4xx
 * answers go back to the adapter.
 */
@Injectable()
export class ProviderHttpClient {
  private readonly logger = new Logger(ProviderHttpClient.name);
  private readonly breakers: CircuitBreakers;

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly outbound: OutboundPolicyService,
    private readonly metrics: MetricsService,
    channels: RedisChannelsService,
    moduleRef: ModuleRef,
  ) {
    // The registry is looked up when news arrives: it is built from the adapters, which need this client first.
    const providers = () => moduleRef.get(ProviderRegistry, { strict: false }).names();
    this.breakers = new CircuitBreakers(clock, {
      news: redisCircuitNews(channels, providers),
      opened: (provider, where) => metrics.circuitsOpened.inc({ provider, where }),
    });
    metrics.countOpenCircuitsWith(() => this.breakers.openCount());
  }

  /** Whether calls for the account go out now, as this replica's circuits (and the others' news) say. */
  circuitOf(accountId: string) {
    return this.breakers.stateOf(`${accountId} `);
  }

  async send(call: ProviderRequest): Promise<ProviderResponse> {
    const url = new URL(call.url);
    // Secrets go out over TLS only (an account stored before this rule may still name a plain-http host).
    if (!this.outbound.allowsRequestTo(url))
      throw providerErrors.provider_address_forbidden({ provider: call.provider, reason: 'not_https' });
    const circuit = `${call.account.id} ${url.origin}`;
    for (let attempt = 1; ; attempt += 1) {
      if (!this.breakers.allow(circuit)) {
        this.metrics.upstreamRequests.inc({ provider: call.provider, outcome: 'circuit_open' });
        throw providerErrors.provider_unavailable({ provider: call.provider, reason: 'circuit_open' }).asOutage();
      }
      const startedAt = performance.now();
      const outcome = await this.attempt(call);
      this.metrics.upstreamSeconds.observe({ provider: call.provider }, MetricsService.since(startedAt));
      this.metrics.upstreamRequests.inc({ provider: call.provider, outcome: outcome.outcome });
      if ('response' in outcome) {
        this.breakers.succeeded(circuit, call.provider);
        return outcome.response;
      }
      if (outcome.countsAsOutage) this.breakers.failed(circuit, call.provider);
      else this.breakers.succeeded(circuit, call.provider);
      const wait = attempt < MAX_ATTEMPTS && outcome.retryable ? this.retryDelay(attempt, outcome.retryAfterMs) : undefined;
      if (wait === undefined) throw outcome.error;
      this.metrics.upstreamRetries.inc({ provider: call.provider });
      this.logger.warn(`${call.provider} ${call.method} failed (${outcome.reason}); retry ${attempt + 1}/${MAX_ATTEMPTS} in ${wait} ms`);
      await this.clock.sleep(wait);
    }
  }

  private async attempt(call: ProviderRequest): Promise<AttemptOutcome> {
    try {
      const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
      let body: string | undefined;
      if (call.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(call.json);
      } else if (call.form) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = new URLSearchParams(call.form).toString();
      }
      const response = await request(call.url, {
        method: call.method,
        headers,
        body,
        dispatcher: this.outbound.dispatcher,
        signal: this.clock.timeout(this.config.providerTimeoutMs),
      });
      const text = (await readCapped(response.body, MAX_RESPONSE_BYTES)).toString('utf8');
      const retryAfter =
        response.headers['retry-after'] ?? (call.rateLimitResetHeader ? response.headers[call.rateLimitResetHeader] : undefined);
      return this.classify(call, response.statusCode, retryAfter, text);
    } catch (error) {
      return this.classifyFailure(call, error);
    }
  }

  private classify(call: ProviderRequest, status: number, retryAfter: string | string[] | undefined, text: string): AttemptOutcome {
    if (status === 401 || status === 403) {
      return {
        error: providerErrors.provider_auth_failed({ provider: call.provider, providerStatus: status }),
        reason: `${status}`,
        outcome: 'client_error',
        retryable: false,
        countsAsOutage: false,
      };
    }
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(retryAfter, this.clock.now());
      return {
        error: providerErrors.provider_unavailable({
          provider: call.provider,
          reason: 'rate_limited',
          ...(retryAfterMs ? { retryAfterSeconds: Math.min(Math.ceil(retryAfterMs / 1000), MAX_RETRY_AFTER_HINT_SECONDS) } : {}),
        }),
        reason: '429',
        outcome: 'rate_limited',
        // Refused before any processing: safe to repeat whatever the call.
        retryable: true,
        retryAfterMs,
        countsAsOutage: false,
      };
    }
    if (status >= 500) {
      return {
        error: providerErrors.provider_unavailable({ provider: call.provider, providerStatus: status }).asOutage(),
        reason: `${status}`,
        outcome: 'server_error',
        retryable: call.idempotent,
        countsAsOutage: true,
      };
    }
    return { response: { status, body: parseJson(text), text, secrets: secretsOf(call) }, outcome: status < 400 ? 'ok' : 'client_error' };
  }

  private classifyFailure(call: ProviderRequest, error: unknown): AttemptOutcome {
    const name = (error as Error | undefined)?.name;
    if (
      name === 'TimeoutError' ||
      name === 'AbortError' ||
      error instanceof undiciErrors.HeadersTimeoutError ||
      error instanceof undiciErrors.BodyTimeoutError
    ) {
      // Not retried: a slow provider stays slow, and waiting again would only pile requests up.
      const timeout = providerErrors
        .provider_unavailable({ provider: call.provider, reason: 'timeout' }, undefined, HttpStatus.GATEWAY_TIMEOUT)
        .asOutage();
      return { error: timeout, reason: 'timeout', outcome: 'timeout', retryable: false, countsAsOutage: true };
    }
    if (error instanceof ForbiddenAddressError || (error as { cause?: unknown } | undefined)?.cause instanceof ForbiddenAddressError) {
      return {
        error: providerErrors.provider_address_forbidden({ provider: call.provider }),
        reason: 'forbidden address',
        outcome: 'forbidden',
        retryable: false,
        countsAsOutage: false,
      };
    }
    if (error instanceof BodyTooLargeError) {
      return {
        error: providerErrors.provider_bad_response({ provider: call.provider, reason: 'response_too_large' }),
        reason: 'too large',
        outcome: 'bad_response',
        retryable: false,
        countsAsOutage: false,
      };
    }
    const code = String((error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code ?? '');
    if (error instanceof undiciErrors.HTTPParserError || code.startsWith('HPE_')) {
      return {
        error: providerErrors.provider_bad_response({ provider: call.provider, reason: 'malformed_http' }),
        reason: 'malformed HTTP',
        outcome: 'bad_response',
        retryable: false,
        countsAsOutage: true,
      };
    }
    // Refused, reset, unresolvable, TLS failures, socket errors: the host cannot be talked to. Only a refused
    // connection is certain not to have reached the provider, so only that is retried for non-idempotent calls.
    const retryable = call.idempotent || code === 'ECONNREFUSED';
    this.logger.warn(`${call.provider} ${call.method} transport error ${code || (error as Error).name}`);
    return {
      error: providerErrors.provider_unavailable({ provider: call.provider, reason: 'unreachable' }).asOutage(),
      reason: code || 'transport',
      outcome: 'unreachable',
      retryable,
      countsAsOutage: true,
    };
  }

  private retryDelay(attempt: number, retryAfterMs: number | undefined): number | undefined {
    if (retryAfterMs !== undefined && retryAfterMs > MAX_RETRY_AFTER_MS) return undefined;
    const jitter = Math.floor(Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt));
    return Math.max(retryAfterMs ?? 0, jitter);
  }
}

/** How an attempt ended, as the upstream metrics label it. */
type AttemptLabel = 'ok' | 'client_error' | 'rate_limited' | 'server_error' | 'timeout' | 'unreachable' | 'bad_response' | 'forbidden';

type AttemptOutcome =
  | { response: ProviderResponse; outcome: AttemptLabel }
  | { error: Error; reason: string; outcome: AttemptLabel; retryable: boolean; retryAfterMs?: number; countsAsOutage: boolean };

function secretsOf(call: ProviderRequest): string[] {
  const values: unknown[] = [
    ...Object.values(call.account.secrets as Record<string, unknown>),
    ...(call.secrets ?? []),
    call.headers?.authorization,
  ];
  return values.filter((value): value is string => typeof value === 'string' && value.length > 0);
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Retry-After in seconds or as an HTTP date, in milliseconds from now. */
function parseRetryAfter(header: string | string[] | undefined, now: Date): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now.getTime());
}
