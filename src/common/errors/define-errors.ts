import { HttpStatus } from '@nestjs/common';
import { AppError, ErrorDetails } from './app-error';
import type { ErrorCode } from './error-codes';

/** A code's status and message, and where a code spans two statuses, the other with its own message. */
type ErrorSpec = readonly [status: HttpStatus, message: string, other?: readonly [status: HttpStatus, message: string]];
/** `status` picks a code's other declared status (provider_unavailable: 503 down, 504 slow), with its message. */
export type ErrorFactory = (details?: ErrorDetails, message?: string, status?: HttpStatus) => AppError;

const registeredCodes = new Map<string, ErrorSpec>();

/**
 * Declares an area's error codes with their HTTP status and default message, and returns one factory per code.
 * Codes are global: declaring the same code twice fails at load time, so a code always means one thing.
 */
export function defineErrors<T extends Record<string, ErrorSpec>>(specs: T): { [K in keyof T]: ErrorFactory } {
  const factories = {} as Record<string, ErrorFactory>;
  for (const [code, spec] of Object.entries(specs)) {
    if (registeredCodes.has(code)) throw new Error(`Error code ${code} is declared twice`);
    registeredCodes.set(code, spec);
    const [status, defaultMessage, other] = spec;
    factories[code] = (details, message, override) => {
      const messageOfStatus = other && override === other[0] ? other[1] : defaultMessage;
      return new AppError(code as ErrorCode, override ?? status, message ?? messageOfStatus, details);
    };
  }
  return factories as { [K in keyof T]: ErrorFactory };
}

/** Every declared code with its status and message, for documentation and tests. */
export function registeredErrorCodes(): ReadonlyMap<string, ErrorSpec> {
  return registeredCodes;
}
