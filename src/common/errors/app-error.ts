import { HttpStatus } from '@nestjs/common';
import type { ErrorCode } from './error-codes';

export type ErrorDetails = Record<string, unknown>;

/** Who a refused caller turned out to be (a revoked key, its tenant), in the audit log's terms; never sent back. */
export interface ErrorSubject {
  actorKind: string;
  actorId?: string;
  tenantId?: string;
}

/** The one error type services throw. The exception filter turns it into `{ error: { code, message, details } }`. */
export class AppError extends Error {
  override readonly name = 'AppError';
  subject?: ErrorSubject;
  /**
   * A provider is out of reach (it answered 5xx, timed out, could not be reached, or its circuit is open): nothing the
   * caller did, so the request is not counted against its rate limits (see RateLimitsService.refundUnserved).
   */
  outage = false;

  constructor(
    readonly code: ErrorCode,
    readonly status: HttpStatus,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
  }

  /** The same error, marked as an outage (see `outage`). */
  asOutage(): this {
    this.outage = true;
    return this;
  }

  /** The same error, noting who the caller was (see ErrorSubject). */
  about(subject: ErrorSubject): this {
    this.subject = subject;
    return this;
  }
}

/** The body of every error answer: `{ error: { code, message, details } }`. */
export function errorBody({ code, message, details }: Pick<AppError, 'code' | 'message' | 'details'>) {
  return { error: { code, message, details } };
}
