import { HttpStatus } from '@nestjs/common';
import { defineErrors } from '../common/errors/define-errors';
import { CodesOf } from '../common/errors/error-codes';

export const tokenLogErrors = defineErrors({
  audit_unavailable: [HttpStatus.SERVICE_UNAVAILABLE, 'The token could not be recorded, so it was not issued; retry later'],
});

declare module '../common/errors/error-codes' {
  interface ErrorCodes extends CodesOf<typeof tokenLogErrors> {}
}
