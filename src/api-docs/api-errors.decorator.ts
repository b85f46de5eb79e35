import { DECORATORS } from '@nestjs/swagger';
import { ErrorCode } from '../common/errors/error-codes';

export const ERRORS_EXTENSION = 'x-callpass-errors';

/**
 * The error codes a route answers beyond those every route of its kind may (authentication, validation, database):
 * listed in /docs with their status and message. An unknown code fails the document's build. Several on one route
 * add up, so that a decorator which adds a refusal (`@TokenRoute()`'s rate limit) documents it too.
 */
export const ApiErrors =
  (...codes: ErrorCode[]): MethodDecorator =>
  (_target, _key, descriptor) => {
    const extensions = (Reflect.getMetadata(DECORATORS.API_EXTENSION, descriptor.value as object) ?? {}) as Record<string, unknown>;
    const listed = (extensions[ERRORS_EXTENSION] ?? []) as ErrorCode[];
    Reflect.defineMetadata(
      DECORATORS.API_EXTENSION,
      { ...extensions, [ERRORS_EXTENSION]: [...listed, ...codes] },
      descriptor.value as object,
    );
  };
