import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ValidationPipe, VersioningType } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController } from 'fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import secureJsonParse from 'secure-json-parse';
import { commonErrors } from './common/errors/common.errors';
import { HttpExceptionFilter } from './common/errors/http-exception.filter';
import { flattenValidationErrors, validationFailed } from './common/errors/validation-errors';
import { RejectNulCharactersPipe } from './common/validation/reject-nul-characters.pipe';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Token requests and configuration bodies are small; anything larger is refused before parsing. */
const BODY_LIMIT_BYTES = 64 * 1024;

/** The HTTP server: Fastify with JSON logs, a request id on every request, and tight body limits. */
export function createHttpAdapter(logger: Logger, options: { trustProxy?: boolean | number | string } = {}): FastifyAdapter {
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // One line per request, written by the onResponse hook below, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: options.trustProxy ?? false,
    requestIdHeader: false,
    genReqId: (request: IncomingMessage) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
  });
  const fastify = adapter.getInstance();
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  fastify.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100 },
      'request',
    );
  });
  return adapter;
}

/** Everything `main.ts` and the tests apply to the Nest application, so tests run what production runs. */
export function configureApp(app: NestFastifyApplication): void {
  app.enableVersioning({ type: VersioningType.URI });
  // JSON only (other bodies get 415), parsed as Fastify would, but failing with our own code: Nest would
  // reduce Fastify's parse errors to a bare 400. Prototype-poisoning keys are refused.
  app.useBodyParser('application/json', { bodyLimit: BODY_LIMIT_BYTES }, (_request, body, done) => {
    try {
      done(null, secureJsonParse.parse(body.toString('utf8'), undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch {
      done(commonErrors.invalid_json(), undefined);
    }
  });
  app.useGlobalPipes(
    new RejectNulCharactersPipe(),
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => validationFailed(flattenValidationErrors(errors)),
    }),
  );
  app.useGlobalFilters(new HttpExceptionFilter());
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Callpass')
      .setDescription('Short-lived browser-calling tokens for Twilio, Plivo, SignalWire and Bandwidth')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
}
