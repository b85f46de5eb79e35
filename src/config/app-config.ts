import path from 'node:path';
import { LogFormat } from '../common/logging/logger';
import type { DatabaseTimeouts } from '../database/database-connection';
import { Environment, validateEnvironment } from './environment';
import { parsePrivateHosts, PrivateHostEntry } from './private-hosts';

/** Typed, validated configuration. Built from the environment once at boot (or from a plain object in tests). */
export class AppConfig {
  constructor(private readonly env: Environment) {}

  static fromEnvironment(raw: Record<string, unknown>): AppConfig {
    return new AppConfig(validateEnvironment(raw));
  }

  get isProduction(): boolean {
    return this.env.NODE_ENV === 'production';
  }
  get port(): number {
    return this.env.PORT;
  }
  get host(): string {
    return this.env.HOST;
  }
  /** PostgreSQL URL, or undefined for the embedded PGlite database. */
  get databaseUrl(): string | undefined {
    return this.env.DATABASE_URL;
  }
  /** Where migrations run: the tables' owner when given, else the service's own URL. */
  get migrationDatabaseUrl(): string | undefined {
    return this.env.MIGRATION_DATABASE_URL ?? this.env.DATABASE_URL;
  }
  get databasePoolSize(): number {
    return this.env.DATABASE_POOL_SIZE;
  }
  get databaseTimeouts(): DatabaseTimeouts {
    return { connectMs: this.env.DATABASE_CONNECT_TIMEOUT_MS, statementMs: this.env.DATABASE_STATEMENT_TIMEOUT_MS };
  }
  get cacheTtlMs(): number {
    return this.env.CACHE_TTL_SECONDS * 1000;
  }
  get clientRequestsPerMinute(): number {
    return this.env.CLIENT_REQUESTS_PER_MINUTE;
  }
  get clientAuthFailuresPerMinute(): number {
    return this.env.CLIENT_AUTH_FAILURES_PER_MINUTE;
  }
  /** Redis URL shared by the replicas, or undefined to keep counters in each process. */
  get redisUrl(): string | undefined {
    return this.env.REDIS_URL;
  }
  get dataDir(): string {
    return path.resolve(this.env.DATA_DIR);
  }
  get migrateOnBoot(): boolean {
    return this.env.MIGRATE_ON_BOOT;
  }
  get encryptionKeys(): string | undefined {
    return this.env.ENCRYPTION_KEYS;
  }
  get encryptionPrimaryKeyId(): string | undefined {
    return this.env.ENCRYPTION_PRIMARY_KEY_ID;
  }
  get bootstrapAdminKey(): string | undefined {
    return this.env.BOOTSTRAP_ADMIN_KEY;
  }
  get logLevel(): string {
    return this.env.LOG_LEVEL;
  }
  /** Pretty for a person at a terminal (outside production), JSON for everything else. */
  get logFormat(): LogFormat {
    if (this.env.LOG_FORMAT !== 'auto') return this.env.LOG_FORMAT;
    return process.stdout.isTTY && !this.isProduction ? 'pretty' : 'json';
  }
  /** The metrics-only listener's port, or undefined for none. */
  get metricsPort(): number | undefined {
    return this.env.METRICS_PORT;
  }
  get shutdownGraceMs(): number {
    return this.env.SHUTDOWN_GRACE_SECONDS * 1000;
  }
  get providerTimeoutMs(): number {
    return this.env.PROVIDER_TIMEOUT_MS;
  }
  /** 0: this replica delivers to no audit sink. */
  get auditStreamPollMs(): number {
    return this.env.AUDIT_STREAM_POLL_MS;
  }
  get auditStreamLeaseMs(): number {
    return this.env.AUDIT_STREAM_LEASE_SECONDS * 1000;
  }
  get consoleEnabled(): boolean {
    return this.env.CONSOLE_ENABLED;
  }
  get consoleIdleMs(): number {
    return this.env.CONSOLE_IDLE_MINUTES * 60_000;
  }
  get consoleSessionMs(): number {
    return this.env.CONSOLE_SESSION_HOURS * 3_600_000;
  }
  get allowPrivateNetworkUrls(): boolean {
    return this.env.ALLOW_PRIVATE_NETWORK_URLS;
  }
  /** OUTBOUND_ALLOWED_PRIVATE_HOSTS, parsed (validated at boot): the private hosts tenant-chosen URLs may reach. */
  get outboundAllowedPrivateHosts(): PrivateHostEntry[] {
    return parsePrivateHosts(this.env.OUTBOUND_ALLOWED_PRIVATE_HOSTS, this.isProduction).entries;
  }
  get hstsMaxAgeSeconds(): number {
    return this.env.HSTS_MAX_AGE_SECONDS;
  }
  get trustProxy(): boolean | number | string {
    const value = this.env.TRUST_PROXY;
    if (value === 'true' || value === 'false') return value === 'true';
    return /^\d+$/.test(value) ? Number(value) : value;
  }
}
