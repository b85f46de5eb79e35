import { HttpStatus } from '@nestjs/common';
import { defineErrors } from '../common/errors/define-errors';
import { CodesOf } from '../common/errors/error-codes';

export const apiKeyErrors = defineErrors({
  api_key_not_found: [HttpStatus.NOT_FOUND, 'No such API key'],
  console_reauthentication_required: [
    HttpStatus.FORBIDDEN,
    'Sign in again to create a key: a console session creates keys only in the 5 minutes after its sign-in (details.maxSignInAgeSeconds)',
  ],
});

declare module '../common/errors/error-codes' {
  interface ErrorCodes extends CodesOf<typeof apiKeyErrors> {}
}
