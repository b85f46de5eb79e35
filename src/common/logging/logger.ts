import { LoggerService } from '@nestjs/common';
import pino, { DestinationStream, Logger } from 'pino';
import pinoPretty from 'pino-pretty';

/**
 * Fields that may hold a secret anywhere in a log object. Nothing logs them on purpose; this is the second fence.
 */
const REDACTED_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'secrets',
  'token',
  'refreshToken',
  'key',
  'password',
  ...['secrets', 'apiKeySecret', 'authToken', 'apiToken', 'clientSecret', 'password', 'token', 'refreshToken', 'key'].map(
    (field) => `*.${field}`,
  ),
];

/** `json`: one JSON object per line (production, log shippers). `pretty`: short coloured lines for a person at a terminal. */
export type LogFormat = 'json' | 'pretty';

const BASE_OPTIONS = { base: { service: 'callpass' }, timestamp: pino.stdTimeFunctions.isoTime };

/**
 * Logs on stdout (or `destination`, which tests use to read what was logged), in `format`. JSON lines are written
 * asynchronously (lines logged while a write is under way go out together in the next one; pino writes what is left
 * when the process exits): a write per request was a measurable share of a token's cost.
 */
export function createLogger(level: string, destination?: DestinationStream, format: LogFormat = 'json'): Logger {
  const options = { ...BASE_OPTIONS, level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  if (format === 'json') return pino(options, destination ?? pino.destination({ dest: 1, sync: false }));
  return pino(
    options,
    pinoPretty({
      destination: destination ?? 1,
      sync: true,
      colorize: true,
      ignore: 'pid,hostname,service,context,reqId',
      translateTime: 'HH:MM:ss',
      singleLine: true,
    }),
  );
}

/**
 * The logger of the line each request gets, writing where `logger` writes. Its fields are fixed, and none can hold a
 * secret (the route, the path without its query, a checked request id), so it skips the redaction pass every other
 * line gets: that pass was a measurable share of a token's cost.
 */
export function requestLineLogger(logger: Logger): Logger {
  const stream = (logger as unknown as Record<symbol, DestinationStream>)[pino.symbols.streamSym];
  return pino({ ...BASE_OPTIONS, level: logger.level }, stream);
}

/** Nest's start-up chatter (every module loaded, every route mapped) is only worth reading when debugging. */
const FRAMEWORK_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

/**
 * Nest logs what stops it starting (a module that fails to load, a port it cannot listen on) and then throws it; whoever
 * started it reports the thrown error once, readably (main.ts, the sandbox, the CLI), so Nest's own copy is for debugging.
 */
const START_UP_FAILURE_CONTEXTS = new Set(['ExceptionHandler', 'NestApplication']);

/** Routes Nest's own log calls into the same stream. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string) {
    if (context && FRAMEWORK_CONTEXTS.has(context)) this.logger.debug({ context }, String(message));
    else this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    if (context && START_UP_FAILURE_CONTEXTS.has(context)) this.logger.debug({ context, trace }, String(message));
    else this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}
