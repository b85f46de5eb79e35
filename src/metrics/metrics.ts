import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The audit streams as a whole, when scraped. */
export interface AuditStreamState {
  backlog: number;
  lagSeconds: number;
  paused: number;
}

const SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * Every Prometheus metric Callpass keeps, in one registry per application. Labels take only values from small fixed
 * sets (providers, token kinds, outcomes, error codes, cache and limit names): never a tenant, user or key id.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly probes = new Map<string, () => Promise<boolean | undefined>>();

  readonly tokens = new Counter({
    name: 'callpass_tokens_total',
    help: 'Token requests that reached the issuing pipeline, by provider, kind and outcome (issued, refused, failed) with the error code',
    labelNames: ['provider', 'kind', 'outcome', 'code'] as const,
    registers: [this.registry],
  });
  readonly issuanceSeconds = new Histogram({
    name: 'callpass_issuance_duration_seconds',
    help: 'Time from the pipeline taking a token request to its answer (audit row committed), by provider and outcome',
    labelNames: ['provider', 'outcome'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  readonly routeRefusals = new Counter({
    name: 'callpass_token_route_refusals_total',
    help: 'Token route requests refused before the pipeline (body, authentication, authorization, rate limits), by error code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly upstreamRequests = new Counter({
    name: 'callpass_upstream_requests_total',
    help: "Attempts at calls to providers' APIs, by provider and outcome (ok, client_error, rate_limited, server_error, timeout, unreachable, bad_response, circuit_open)",
    labelNames: ['provider', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly upstreamSeconds = new Histogram({
    name: 'callpass_upstream_duration_seconds',
    help: "Duration of each attempt at a call to a provider's API",
    labelNames: ['provider'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  readonly upstreamRetries = new Counter({
    name: 'callpass_upstream_retries_total',
    help: 'Calls to providers repeated after a failed attempt',
    labelNames: ['provider'] as const,
    registers: [this.registry],
  });
  readonly circuitsOpened = new Counter({
    name: 'callpass_circuits_opened_total',
    help: 'Circuit breakers opened (per provider account and host) after consecutive failures, here or on another replica',
    labelNames: ['provider', 'where'] as const,
    registers: [this.registry],
  });
  private openCircuits: () => number = () => 0;
  readonly circuitsOpen: Gauge = new Gauge({
    name: 'callpass_circuits_open',
    help: 'Circuit breakers open now in this process',
    registers: [this.registry],
    collect: (): void => this.circuitsOpen.set(this.openCircuits()),
  });
  readonly tokenLogBatchRows = new Histogram({
    name: 'callpass_token_log_batch_rows',
    help: 'Rows per token log group commit',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [this.registry],
  });
  readonly tokenLogCommitSeconds = new Histogram({
    name: 'callpass_token_log_commit_seconds',
    help: 'Time to write and commit one token log batch',
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  readonly tokenLogFailedRows = new Counter({
    name: 'callpass_token_log_failed_rows_total',
    help: 'Token log rows that could not be committed (their requests failed closed)',
    registers: [this.registry],
  });
  readonly cacheLookups = new Counter({
    name: 'callpass_cache_lookups_total',
    help: 'Lookups in the hot path caches, by cache and result (hit, miss)',
    labelNames: ['cache', 'result'] as const,
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'callpass_rate_limited_total',
    help: 'Requests refused by a rate limit, by limit (user, key, tenant)',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });
  readonly jwksFetches = new Counter({
    name: 'callpass_jwks_fetches_total',
    help: "Fetches of identity providers' key sets (JWKS), by outcome (ok, failed) and cause of failure (tls, dns, connect, timeout, status, too_large, not_json, no_usable_keys, forbidden_address, not_https, forbidden_port)",
    labelNames: ['outcome', 'cause'] as const,
    registers: [this.registry],
  });
  readonly redisFallbacks = new Counter({
    name: 'callpass_redis_fallbacks_total',
    help: 'Operations done in this process alone because Redis did not answer, by feature',
    labelNames: ['feature'] as const,
    registers: [this.registry],
  });
  readonly auditStreamBatches = new Counter({
    name: 'callpass_audit_stream_batches_total',
    help: 'Batches sent to audit sinks, by outcome (delivered, failed) and, for failures, cause (receiver_status, timeout, connect, tls, dns, forbidden_address, not_https, sink_unreadable)',
    labelNames: ['outcome', 'cause'] as const,
    registers: [this.registry],
  });
  readonly auditStreamEvents = new Counter({
    name: 'callpass_audit_stream_events_total',
    help: 'Log rows delivered to audit sinks (a row sent again after a lost answer counts again)',
    registers: [this.registry],
  });
  private auditStreamState: () => Promise<AuditStreamState | undefined> = () => Promise.resolve(undefined);
  /** The one read a scrape's three gauges share (prom-client collects them at once). */
  private auditStreamRead?: Promise<AuditStreamState | undefined>;
  readonly auditStreamBacklog: Gauge = new Gauge({
    name: 'callpass_audit_stream_backlog_events',
    help: 'Log rows written and not yet delivered, summed over every audit sink (paused ones included)',
    registers: [this.registry],
    collect: () => this.collectAuditStream((state) => this.auditStreamBacklog.set(state.backlog)),
  });
  readonly auditStreamLag: Gauge = new Gauge({
    name: 'callpass_audit_stream_lag_seconds',
    help: 'Age of the oldest log row not yet delivered to an audit sink (0 when every sink is up to date)',
    registers: [this.registry],
    collect: () => this.collectAuditStream((state) => this.auditStreamLag.set(state.lagSeconds)),
  });
  readonly auditSinksPaused: Gauge = new Gauge({
    name: 'callpass_audit_sinks_paused',
    help: 'Audit sinks paused (by request, or after their receiver kept refusing or failing)',
    registers: [this.registry],
    collect: () => this.collectAuditStream((state) => this.auditSinksPaused.set(state.paused)),
  });
  readonly dependencyUp: Gauge<'dependency'> = new Gauge({
    name: 'callpass_dependency_up',
    help: 'Whether a dependency answers (1) or not (0), checked when scraped: database, redis',
    labelNames: ['dependency'] as const,
    registers: [this.registry],
    collect: async (): Promise<void> => {
      const states = await Promise.all([...this.probes].map(async ([name, probe]) => [name, await probe()] as const));
      for (const [name, up] of states) if (up !== undefined) this.dependencyUp.set({ dependency: name }, up ? 1 : 0);
    },
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Where the open circuits are counted when scraped. */
  countOpenCircuitsWith(count: () => number): void {
    this.openCircuits = count;
  }

  /** Where the audit streams' backlog and lag are read when scraped. */
  readAuditStreamWith(read: () => Promise<AuditStreamState | undefined>): void {
    this.auditStreamState = read;
  }

  private async collectAuditStream(set: (state: AuditStreamState) => void): Promise<void> {
    this.auditStreamRead ??= this.auditStreamState().finally(() => (this.auditStreamRead = undefined));
    const state = await this.auditStreamRead;
    if (state) set(state);
  }

  /** A dependency checked on each scrape; undefined from `probe` leaves it out (not configured). */
  probe(dependency: string, probe: () => Promise<boolean | undefined>): void {
    this.probes.set(dependency, probe);
  }

  /** A histogram's timer in seconds, from a monotonic clock. */
  static since(startedAt: number): number {
    return (performance.now() - startedAt) / 1000;
  }
}
