import { HttpStatus } from '@nestjs/common';
import { defineErrors } from '../common/errors/define-errors';
import { CodesOf } from '../common/errors/error-codes';

export const authErrors = defineErrors({
  authentication_required: [HttpStatus.UNAUTHORIZED, 'Send an API key as "Authorization: Bearer <key>"'],
  api_key_invalid: [HttpStatus.UNAUTHORIZED, 'The API key is not valid'],
  api_key_revoked: [HttpStatus.UNAUTHORIZED, 'The API key has been revoked'],
  api_key_expired: [HttpStatus.UNAUTHORIZED, 'The API key has expired'],
  tenant_suspended: [HttpStatus.FORBIDDEN, 'The tenant is suspended'],
  forbidden: [HttpStatus.FORBIDDEN, 'This key may not use this route'],
  insufficient_scope: [HttpStatus.FORBIDDEN, 'The service key lacks the scope this route needs'],
});

declare module '../common/errors/error-codes' {
  interface ErrorCodes extends CodesOf<typeof authErrors> {}
}
