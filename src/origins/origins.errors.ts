import { HttpStatus } from '@nestjs/common';
import { CodesOf, defineErrors } from '../common/errors/define-errors';

/** Refusals of the browser-facing routes. */
export const clientErrors = defineErrors({
  origin_not_allowed: [HttpStatus.FORBIDDEN, "This origin may not call this tenant's browser routes (settings.allowedOrigins)"],
  endpoint_choice_required: [HttpStatus.BAD_REQUEST, 'This user has endpoints on several accounts: name providerAccountId or provider'],
});

declare module '../common/errors/define-errors' {
  interface ErrorCodes extends CodesOf<typeof clientErrors> {}
}
