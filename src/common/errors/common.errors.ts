import { HttpStatus } from '@nestjs/common';
import { defineErrors } from './define-errors';
import { CodesOf } from './error-codes';

export const commonErrors = defineErrors({
  validation_failed: [HttpStatus.BAD_REQUEST, 'The request is invalid'],
  invalid_json: [HttpStatus.BAD_REQUEST, 'The request body is not valid JSON'],
  json_too_deep: [HttpStatus.BAD_REQUEST, 'The request body nests objects or arrays more than 32 levels deep'],
  bad_request: [HttpStatus.BAD_REQUEST, 'The request cannot be processed'],
  invalid_cursor: [HttpStatus.BAD_REQUEST, 'The pagination cursor is invalid'],
  route_not_found: [HttpStatus.NOT_FOUND, 'No such route'],
  path_parameter_too_long: [HttpStatus.URI_TOO_LONG, 'A path segment is longer than any id the API accepts'],
  not_found: [HttpStatus.NOT_FOUND, 'The resource no longer exists'],
  payload_too_large: [HttpStatus.PAYLOAD_TOO_LARGE, 'The request body is too large'],
  unsupported_media_type: [HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'Send the body as application/json'],
  conflict: [HttpStatus.CONFLICT, 'The request conflicts with stored data'],
  rate_limited: [HttpStatus.TOO_MANY_REQUESTS, 'Too many requests'],
  database_unavailable: [HttpStatus.SERVICE_UNAVAILABLE, 'The database is unavailable; retry later'],
  internal_error: [HttpStatus.INTERNAL_SERVER_ERROR, 'Internal error'],
});

declare module './error-codes' {
  interface ErrorCodes extends CodesOf<typeof commonErrors> {}
}
