import { HttpStatus } from '@nestjs/common';

export type ErrorDetails = Record<string, unknown>;

/** The one error type services throw. The exception filter turns it into `{ error: { code, message, details } }`. */
export class AppError extends Error {
  override readonly name = 'AppError';

  constructor(
    readonly code: string,
    readonly status: HttpStatus,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
  }
}
