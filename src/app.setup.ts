import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { ValidationPipe, VersioningType } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyError, FastifyReply, FastifyRequest, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import fastifyCookie from '@fastify/cookie';
import helmet from 'helmet';
import secureJsonParse from 'secure-json-parse';
import { setUpApiDocs } from './api-docs/api-docs';
import { Principal, tenantOf } from './auth/principal';
import { ClientOriginsService } from './origins/client-origins.service';
import { errorBody } from './common/errors/app-error';
import { commonErrors } from './common/errors/common.errors';
import { answeredError, HttpExceptionFilter } from './common/errors/http-exception.filter';
import { DrainService } from './health/drain';
import { TokenRouteRefusalsObserver } from './issuance/token-route-refusals';
import { nameServerSpans } from './tracing/spans';
import { flattenValidationErrors, validationFailed } from './common/errors/validation-errors';
import { exceedsDepth } from './common/validation/json-depth';
import { RejectUnsafeInputPipe } from './common/validation/reject-unsafe-input.pipe';
import { UnparsableBody } from './common/validation/unparsable-body';
import { cacheValidationMetadata } from './common/validation/validation-metadata-cache';
import { ClientLimitsService } from './rate-limits/client-limits';
import { RateLimitsService } from './rate-limits/rate-limits';
import { USER_ID_MAX_LENGTH } from './common/validation/user-id';
import { loggedPathOf, pathOf } from './common/logging/logged-path';
import { requestLineLogger } from './common/logging/logger';

/** A client's own X-Request-Id is logged (sanitised) next to ours, never used as ours. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Token requests and configuration bodies are small; anything larger is refused before parsing. */
const BODY_LIMIT_BYTES = 64 * 1024;
/**
 * The longest path parameter routed. Fastify's default of 100 refused user ids the API accepts elsewhere. The longest
 * parameter any route takes is a user id: 200 code points (USER_ID). The router (find-my-way 9) measures a parameter
 * after percent-decoding, in UTF-16 units: at most 400 for such an id. The bound is the id's longest percent-encoded
 * form instead (4 UTF-8 bytes a code point, 3 characters a byte: 2,400), so it holds whichever form is measured.
 */
export const MAX_PARAM_LENGTH = USER_ID_MAX_LENGTH * 4 * 3;
/** Pages served to browsers (Swagger UI); everything else is a JSON API that needs no content at all. */
const PAGE_PREFIXES = ['/docs', '/demo'];
const CONSOLE_PREFIX = '/console';

export interface HttpOptions {
  trustProxy?: boolean | number | string;
  /** Strict-Transport-Security max-age; 0 or unset sends none (set it when a TLS proxy serves Callpass). */
  hstsMaxAgeSeconds?: number;
}

/** The HTTP server: Fastify with JSON logs, a request id on every request, security headers and tight limits. */
export function createHttpAdapter(logger: Logger, options: HttpOptions = {}): FastifyAdapter {
  const headers = securityHeaders(options);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // One line per request, written by the onResponse hook below, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: options.trustProxy ?? false,
    requestIdHeader: false,
    genReqId: () => randomUUID(),
    // While draining, a request on a connection already open is served (with Connection: close), not refused.
    return503OnClosing: false,
    clientErrorHandler: answerClientError,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) =>
      answerFrameworkError(error, request, reply, headers),
  });
  const fastify = adapter.getInstance();
  const requestLines = requestLineLogger(logger);
  // Declared on every request up front (Fastify's way), so that setting it keeps the request's shape.
  fastify.decorateRequest('rateLimitCharges', null);
  nameServerSpans(fastify);
  // Callback hooks, not async ones: they run for every request.
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.headers(headers[answerKind(request)]);
    reply.header('x-request-id', request.id);
    // Responses carry tokens and keys: nothing may keep a copy.
    if (!isPage(request)) reply.header('cache-control', 'no-store');
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    logRequest(requestLines, request, reply);
    done();
  });
  return adapter;
}

/** The request's one log line. */
function logRequest(requestLines: Logger, request: FastifyRequest, reply: FastifyReply): void {
  // A probe polls every few seconds: its answer is news only when it is not a healthy one.
  // A flooding client's refusals are counted and logged once (ClientLimitsService), not a line each.
  if (ClientLimitsService.refused(request)) return;
  const level = isHealthProbe(request) && reply.statusCode < 400 ? 'debug' : 'info';
  requestLines[level](
    {
      reqId: request.id,
      method: request.method,
      route: request.routeOptions.url,
      tenantId: tenantOfRequest(request),
      path: loggedPathOf(request.url),
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 100) / 100,
      clientRequestId: clientRequestIdOf(request),
    },
    'request',
  );
}

/** Everything `main.ts` and the tests apply to the Nest application, so tests run what production runs. */
export async function configureApp(app: NestFastifyApplication): Promise<void> {
  app.enableVersioning({ type: VersioningType.URI });
  // Only the console's session is a cookie (console/console-cookie.ts); no other credential is read from one.
  await app.register(fastifyCookie);
  // JSON only (other bodies get 415), parsed as Fastify would, but failing with our own code: Nest would
  // reduce Fastify's parse errors to a bare 400. Prototype-poisoning keys are refused, and so is deep nesting
  // (before anything walks the body recursively).
  app.useBodyParser('application/json', { bodyLimit: BODY_LIMIT_BYTES }, (_request, body, done) => {
    let parsed: unknown;
    try {
      parsed = secureJsonParse.parse(body.toString('utf8'), undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch {
      return done(null, new UnparsableBody(commonErrors.invalid_json()));
    }
    if (exceedsDepth(parsed)) return done(null, new UnparsableBody(commonErrors.json_too_deep()));
    done(null, parsed);
  });
  cacheValidationMetadata();
  app.useGlobalPipes(
    new RejectUnsafeInputPipe(),
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => validationFailed(flattenValidationErrors(errors)),
    }),
  );
  // Every part below needs a provider of AppModule: an app built without one fails here, at start-up, rather than
  // serving without its CORS, its per-client limits, its refusal records or its drain.
  app.useGlobalFilters(new HttpExceptionFilter(app.get(TokenRouteRefusalsObserver)));
  const clientLimits = app.get(ClientLimitsService);
  const rateLimits = app.get(RateLimitsService);
  const origins = app.get(ClientOriginsService);
  const drain = app.get(DrainService);
  // Callback hooks, not async ones: they run for every request, and most pass straight through.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      const admitted = clientLimits.admit(request, reply);
      if (admitted === true) return;
      if (admitted === false) return done();
      admitted.then(() => done(), done);
    })
    .addHook('onSend', (request, reply, payload, done) => {
      const counting = clientLimits.counted(request, reply);
      if (!counting) return done(null, payload);
      counting.then(() => done(null, payload), done);
    })
    .addHook('onSend', (request, reply, payload, done) => {
      if (reply.statusCode < 500) return done(null, payload);
      const refunding = rateLimits.refundUnserved(request, answeredError(request));
      if (!refunding) return done(null, payload);
      void refunding.then(() => done(null, payload));
    })
    .addHook('onRequest', (request, reply) => origins.onRequest(request, reply))
    // While draining, every answer closes its connection, including those of requests already in flight: the
    // listener then closes once they are done, instead of waiting for idle keep-alive connections to time out.
    .addHook('onSend', (_request, reply, payload, done) => {
      if (drain.draining) reply.header('connection', 'close');
      done(null, payload);
    });

  await setUpApiDocs(app);
}

function isHealthProbe(request: FastifyRequest): boolean {
  return request.routeOptions.url?.startsWith('/health/') ?? false;
}

/** A page's files (documentation, the sandbox's demo) fetched by a browser: never an answer carrying a credential. */
function isPage(request: { method?: string; url?: string }): boolean {
  return answerKind(request) !== 'api';
}

type AnswerKind = 'api' | 'pages' | 'console';

/** Which security headers an answer gets: a page's files (GET or HEAD under a page's prefix), or the API's. */
function answerKind(request: { method?: string; url?: string }): AnswerKind {
  if (request.method !== 'GET' && request.method !== 'HEAD') return 'api';
  const path = pathOf(request.url ?? '');
  const under = (prefix: string) => path === prefix || path.startsWith(`${prefix}/`);
  if (under(CONSOLE_PREFIX)) return 'console';
  return PAGE_PREFIXES.some(under) ? 'pages' : 'api';
}

function clientRequestIdOf(request: FastifyRequest): string | undefined {
  const value = request.headers['x-request-id'];
  return typeof value === 'string' && CLIENT_REQUEST_ID.test(value) ? value : undefined;
}

/**
 * Security headers from helmet, worked out once for each kind of answer (they depend on nothing in the request).
 * The API answers JSON only, so its content policy allows nothing; pages (Swagger UI, the sandbox's demo) get their
 * own scripts, inline styles and data: images; the console only its own files, with no inline script or style.
 * HSTS only when configured (TLS ends at a proxy).
 */
function securityHeaders(options: HttpOptions): Record<AnswerKind, Record<string, string>> {
  const withPolicy = (directives: Record<string, string[]>, formAction: string) =>
    headersSetBy(
      helmet({
        contentSecurityPolicy: {
          useDefaults: false,
          directives: { ...directives, baseUri: ["'none'"], formAction: [formAction], frameAncestors: ["'none'"] },
        },
        frameguard: { action: 'deny' },
        referrerPolicy: { policy: 'no-referrer' },
        hsts: options.hstsMaxAgeSeconds ? { maxAge: options.hstsMaxAgeSeconds, includeSubDomains: true } : false,
      }),
    );
  return {
    api: withPolicy({ defaultSrc: ["'none'"], imgSrc: ["'none'"], styleSrc: ["'none'"] }, "'none'"),
    pages: withPolicy({ defaultSrc: ["'self'"], imgSrc: ["'self' data:"], styleSrc: ["'self' 'unsafe-inline'"] }, "'none'"),
    console: withPolicy(
      {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self' data:"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
      },
      // Every form of the console is sent by its script: one sent by the browser would carry its fields in a URL.
      "'none'",
    ),
  };
}

/** Runs a helmet middleware against a recorder instead of a live answer: the headers it would set. */
function headersSetBy(middleware: ReturnType<typeof helmet>): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
  };
  middleware({} as IncomingMessage, recorder as unknown as ServerResponse, () => undefined);
  return headers;
}

/**
 * Malformed HTTP that never became a request. Fastify's default logs the parser error with the raw packet, which
 * holds the Authorization header; this answers the same way and logs nothing.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout']
        : [400, 'Bad Request'];
  const body = JSON.stringify({ error: { code: 'bad_request', message: 'The request is not valid HTTP', details: {} } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/**
 * URLs the router refuses before any route or hook runs: a path parameter over MAX_PARAM_LENGTH, or a broken
 * percent-encoding. Fastify's default answers with its own body shape; these get ours, and the usual headers.
 */
function answerFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
  headers: ReturnType<typeof securityHeaders>,
): void {
  const answer =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? commonErrors.path_parameter_too_long({ maxLength: MAX_PARAM_LENGTH })
      : error.code === 'FST_ERR_BAD_URL'
        ? commonErrors.bad_request()
        : commonErrors.internal_error({ requestId: String(request.id) });
  void reply
    .headers(headers[answerKind(request)])
    .header('x-request-id', request.id)
    .header('cache-control', 'no-store')
    .status(answer.status)
    .send(errorBody(answer));
}

/** The tenant the request was authenticated for, when it was. */
function tenantOfRequest(request: FastifyRequest): string | undefined {
  const principal = (request as FastifyRequest & { user?: Principal }).user;
  return principal ? tenantOf(principal) : undefined;
}
