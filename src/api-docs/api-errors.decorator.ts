import { ApiExtension } from '@nestjs/swagger';
import { ErrorCode } from '../common/errors/define-errors';

export const ERRORS_EXTENSION = 'x-callpass-errors';

/**
 * The error codes a route answers beyond those every route of its kind may (authentication, validation, database):
 * listed in /docs with their status and message. An unknown code fails the document's build.
 */
export const ApiErrors = (...codes: ErrorCode[]) => ApiExtension(ERRORS_EXTENSION, codes);
