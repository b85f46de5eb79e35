import { HttpStatus } from '@nestjs/common';
import { defineErrors } from '../common/errors/define-errors';
import { CodesOf } from '../common/errors/error-codes';

/** Console sign-in and its sessions (401 each for a session that no longer works: the console signs in again). */
export const consoleErrors = defineErrors({
  console_disabled: [HttpStatus.NOT_FOUND, 'The console is turned off on this service (CONSOLE_ENABLED=false)'],
  console_not_built: [HttpStatus.SERVICE_UNAVAILABLE, 'This server was deployed without its console build (npm run build makes it)'],
  console_key_not_allowed: [HttpStatus.FORBIDDEN, 'Only a tenant or an admin key opens the console'],
  console_session_invalid: [HttpStatus.UNAUTHORIZED, 'The console session is not valid; sign in again'],
  console_session_expired: [HttpStatus.UNAUTHORIZED, 'The console session has ended (idle too long, or at its end); sign in again'],
  console_session_revoked: [HttpStatus.UNAUTHORIZED, 'The console session was signed out; sign in again'],
  console_reauthentication_required: [
    HttpStatus.FORBIDDEN,
    'Sign in again to do this: a console session creates keys, identity providers, audit sinks and end-user sessions only in the 5 minutes after its sign-in (details.maxSignInAgeSeconds)',
  ],
  csrf_token_invalid: [HttpStatus.FORBIDDEN, "A console write must carry the session's CSRF token in X-CSRF-Token"],
});

declare module '../common/errors/error-codes' {
  interface ErrorCodes extends CodesOf<typeof consoleErrors> {}
}
