import { HttpStatus } from '@nestjs/common';
import { defineErrors } from '../common/errors/define-errors';
import { CodesOf } from '../common/errors/error-codes';

/** Refusals of a page whose origin the tenant does not allow. */
export const originsErrors = defineErrors({
  origin_not_allowed: [HttpStatus.FORBIDDEN, "This origin may not call this tenant's browser routes (settings.allowedOrigins)"],
});

declare module '../common/errors/error-codes' {
  interface ErrorCodes extends CodesOf<typeof originsErrors> {}
}
