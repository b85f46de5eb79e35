import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';
import { KeyringError, parseKeyring } from '../crypto/keyring';
import { parsePrivateHosts } from './private-hosts';

const toBoolean = ({ value }: { value: unknown }) =>
  typeof value === 'boolean'
    ? value
    : typeof value === 'string' && value !== ''
      ? ['1', 'true', 'yes', 'on'].includes(value.toLowerCase())
      : undefined;
const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/**
 * Every environment variable the service reads; entry points pass `process.env` here. Outside config/, only entry
 * points read `process.env`, once, for their own variables (tracing: OTEL_*; the CLI: CALLPASS_*; the sandbox:
 * SANDBOX_DATA_DIR, EMULATOR_PORT); lint refuses it anywhere else in src/.
 */
export class Environment {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '127.0.0.1';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgresql:// connection URL' })
  DATABASE_URL?: string;

  /**
   * The tables' owner, for migrations: the service itself runs as DATABASE_URL, a role that cannot change the logs
   * (docs/database-roles.md). Unset: migrations use DATABASE_URL.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgresql:// connection URL' })
  MIGRATION_DATABASE_URL?: string;

  @IsString()
  DATA_DIR = './data';

  /** Redis shared by the replicas (rate limits); unset: each process counts on its own. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @Transform(toBoolean)
  @IsBoolean()
  MIGRATE_ON_BOOT = true;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  /** How long to wait for a database connection (a new one, or a free one from a busy pool) before answering 503. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  DATABASE_CONNECT_TIMEOUT_MS = 2000;

  /** How long one statement may take, counted by the server and by the client (a slow network too), before a 503. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  DATABASE_STATEMENT_TIMEOUT_MS = 5000;

  /**
   * How long a replica may serve a key, tenant or issuance target from memory at most (0: never). Changes reach
   * every replica at once through PostgreSQL's NOTIFY; this bounds a missed message.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(300)
  CACHE_TTL_SECONDS = 10;

  /**
   * Per client address and minute: requests to the routes anyone can call with a credential of their own making
   * (the browser routes, the embed exchange). Size it for the most users behind one NAT or proxy.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  CLIENT_REQUESTS_PER_MINUTE = 600;

  /** Per client address and minute: answers of 401 (bad keys, junk tokens) before the client is refused outright. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  CLIENT_AUTH_FAILURES_PER_MINUTE = 60;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=_-]{40,}(,[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=_-]{40,})*$/, {
    message: 'must be a comma-separated list of keyId:base64Key entries (32-byte keys)',
  })
  ENCRYPTION_KEYS?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,32}$/, { message: 'must be the id of one of ENCRYPTION_KEYS' })
  ENCRYPTION_PRIMARY_KEY_ID?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^cp_admin_[0-9A-Za-z]{49}$/, { message: 'must be an admin key made by `npx callpass keys generate admin --quiet`' })
  BOOTSTRAP_ADMIN_KEY?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** `json`, `pretty`, or `auto`: pretty at a terminal outside production, JSON otherwise. */
  @IsIn(['auto', 'json', 'pretty'])
  LOG_FORMAT: 'auto' | 'json' | 'pretty' = 'auto';

  /** A port of its own for `/metrics` without credentials (keep it private); unset: only on the API port, for a `metrics:read` service key. */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  METRICS_PORT?: number;

  /** On SIGTERM, how long requests in flight may take to finish before the process exits anyway. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(600)
  SHUTDOWN_GRACE_SECONDS = 25;

  /** How often each replica looks for audit sink deliveries due, in milliseconds; 0 turns delivery off on this replica. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60000)
  AUDIT_STREAM_POLL_MS = 1000;

  /**
   * How long a replica holds a sink's place while it delivers a batch: a replica that dies mid-batch delays that sink
   * this long. Keep it above a delivery's timeout (10 s; 30 s for object storage), or live replicas may send twice.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  AUDIT_STREAM_LEASE_SECONDS = 60;

  /** The tenant console at /console (docs/console.md); false serves neither its pages nor its sign-in. */
  @Transform(toBoolean)
  @IsBoolean()
  CONSOLE_ENABLED = true;

  /** A console session ends after this long without a request. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1440)
  CONSOLE_IDLE_MINUTES = 30;

  /** A console session ends this long after sign-in, however active. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(168)
  CONSOLE_SESSION_HOURS = 12;

  /** Timeout of each call to a provider's API, in milliseconds. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60000)
  PROVIDER_TIMEOUT_MS = 3000;

  /**
   * Lets provider base URLs (and other tenant-chosen URLs) point at loopback and private addresses, over plain
   * http: for tests and the sandbox, whose emulators listen on loopback. Refused in production.
   */
  @Transform(toBoolean)
  @IsBoolean()
  ALLOW_PRIVATE_NETWORK_URLS = false;

  /**
   * Private-network hosts tenant-chosen URLs may reach (an IdP's JWKS, a provider base URL), set by the operator only:
   * comma-separated host names and IP addresses or CIDR ranges, e.g. `idp.corp.internal,10.20.0.0/16`. Allowed in
   * production, where ranges must be private-network ones (never loopback or link-local). See private-hosts.ts.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  OUTBOUND_ALLOWED_PRIVATE_HOSTS?: string;

  /** Strict-Transport-Security max-age, for a deployment served over TLS (by a proxy in front); 0 sends none. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(63_072_000)
  HSTS_MAX_AGE_SECONDS = 0;

  /** "true", a hop count, or comma-separated proxy addresses; client IPs come from X-Forwarded-For behind them. */
  @Matches(/^(true|false|\d{1,2}|[0-9a-fA-F.:/,\s]+)$/, { message: 'must be true, false, a hop count or proxy addresses' })
  TRUST_PROXY = 'false';
}

export class ConfigValidationError extends Error {
  override readonly name = 'ConfigValidationError';
}

/** What production needs that development does without, and how to make it. */
const REQUIRED_IN_PRODUCTION = {
  ENCRYPTION_KEYS: 'make one with `npx callpass keys generate encryption --quiet`',
  DATABASE_URL: 'postgresql://user:password@host:5432/database; the embedded database is for development',
} as const;

/** Validates raw environment variables; throws every problem at once, one line each naming the variable. */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const env = plainToInstance(Environment, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: false, validationError: { target: false, value: false } });
  const problems = errors.map((error) => {
    // Constraints are listed bottom-up; the top-most decorator (the type check) explains a bad value best.
    const reason = Object.values(error.constraints ?? {}).at(-1) ?? 'is invalid';
    return `Invalid configuration: ${error.property} ${reason.replace(`${error.property} `, '')}`;
  });
  const invalid = new Set(errors.map((error) => error.property));
  if (env.ENCRYPTION_KEYS && !invalid.has('ENCRYPTION_KEYS') && !invalid.has('ENCRYPTION_PRIMARY_KEY_ID')) {
    try {
      parseKeyring(env.ENCRYPTION_KEYS, env.ENCRYPTION_PRIMARY_KEY_ID);
    } catch (keyringError) {
      if (!(keyringError instanceof KeyringError)) throw keyringError;
      problems.push(keyringError.message);
    }
  }
  if (typeof env.OUTBOUND_ALLOWED_PRIVATE_HOSTS === 'string') {
    problems.push(...parsePrivateHosts(env.OUTBOUND_ALLOWED_PRIVATE_HOSTS, env.NODE_ENV === 'production').problems);
  }
  if (env.MIGRATION_DATABASE_URL && !env.DATABASE_URL) {
    problems.push('Invalid configuration: MIGRATION_DATABASE_URL needs DATABASE_URL (the embedded database has no roles to separate)');
  }
  if (env.NODE_ENV === 'production') {
    for (const [name, howToMake] of Object.entries(REQUIRED_IN_PRODUCTION)) {
      if (!env[name as keyof typeof REQUIRED_IN_PRODUCTION]) {
        problems.push(`Invalid configuration: ${name} is required when NODE_ENV=production (${howToMake})`);
      }
    }
    if (env.ALLOW_PRIVATE_NETWORK_URLS) {
      problems.push('Invalid configuration: ALLOW_PRIVATE_NETWORK_URLS must not be set when NODE_ENV=production');
    }
  }
  if (problems.length) throw new ConfigValidationError(problems.join('\n'));
  return env;
}
