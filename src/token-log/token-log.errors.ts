import { HttpStatus } from '@nestjs/common';
import { CodesOf, defineErrors } from '../common/errors/define-errors';

export const tokenLogErrors = defineErrors({
  audit_unavailable: [HttpStatus.SERVICE_UNAVAILABLE, 'The token could not be recorded, so it was not issued; retry later'],
});

declare module '../common/errors/define-errors' {
  interface ErrorCodes extends CodesOf<typeof tokenLogErrors> {}
}
