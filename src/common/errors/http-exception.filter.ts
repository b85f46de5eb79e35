import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { pathOf } from '../logging/logged-path';
import { isDatabaseUnavailable, isForeignKeyViolation, isRecordGone, isUniqueViolation } from '../../database/prisma-errors';
import { AppError, errorBody } from './app-error';
import { commonErrors } from './common.errors';

const HTTP_STATUS_ERRORS: Partial<Record<number, () => AppError>> = {
  [HttpStatus.NOT_FOUND]: () => commonErrors.route_not_found(),
  [HttpStatus.PAYLOAD_TOO_LARGE]: () => commonErrors.payload_too_large(),
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: () => commonErrors.unsupported_media_type(),
  [HttpStatus.TOO_MANY_REQUESTS]: () => commonErrors.rate_limited(),
};

/** The error each request was answered with, for what runs after the answer is made (the rate limits' refund). */
const answered = new WeakMap<object, AppError>();

export function answeredError(request: object): AppError | undefined {
  return answered.get(request);
}

/** Told of every error before it is answered (the token routes record their refusals in the token log). */
export abstract class ErrorObserver {
  /** `error` is what the caller will see; `cause` what was thrown. Must not throw. */
  abstract observe(request: FastifyRequest, error: AppError, cause: unknown): Promise<void>;
}

/**
 * The one place errors become HTTP responses (Nest hands Fastify's own errors, such as body limits and unparsable
 * bodies, over as HttpExceptions): `{ error: { code, message, details } }`. Unknown errors become a 500
 * `internal_error` whose body names only the request id; the details go to the log.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  constructor(private readonly observer: ErrorObserver) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let error = this.toAppError(exception);
    if (error.status >= HttpStatus.INTERNAL_SERVER_ERROR) {
      const cause = exception instanceof Error ? exception : new Error(String(exception));
      // A 500 is a bug: log its stack. 502-504 are a provider or the database being down: one line is enough.
      const route = `${request.method} ${pathOf(request.url)}`;
      if (error.status === HttpStatus.INTERNAL_SERVER_ERROR) {
        this.logger.error(`${route} failed [${request.id}]: ${cause.message}`, cause.stack);
      } else {
        this.logger.warn(`${route} answered ${error.status} ${error.code} [${request.id}]`);
      }
      const withRequestId = new AppError(error.code, error.status, error.message, { ...error.details, requestId: String(request.id) });
      error = error.outage ? withRequestId.asOutage() : withRequestId;
    }
    answered.set(request, error);
    // Nest lets the reply be sent after this returns: the observer's write finishes first.
    void this.observer
      .observe(request, error, exception)
      .catch(() => undefined)
      .finally(() => this.answer(reply, error));
  }

  private answer(reply: FastifyReply, error: AppError): void {
    if (error.status === HttpStatus.UNAUTHORIZED) reply.header('www-authenticate', 'Bearer realm="callpass"');
    if (typeof error.details.retryAfterSeconds === 'number') reply.header('retry-after', String(error.details.retryAfterSeconds));
    void reply.status(error.status).send(errorBody(error));
  }

  private toAppError(exception: unknown): AppError {
    if (exception instanceof AppError) return exception;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return HTTP_STATUS_ERRORS[status]?.() ?? (status < 500 ? commonErrors.bad_request() : commonErrors.internal_error());
    }
    // Races between concurrent requests (the services check first, so only a race gets here).
    if (isUniqueViolation(exception) || isForeignKeyViolation(exception)) return commonErrors.conflict();
    if (isRecordGone(exception)) return commonErrors.not_found();
    if (isDatabaseUnavailable(exception)) return commonErrors.database_unavailable();
    return commonErrors.internal_error();
  }
}
