import { HttpStatus } from '@nestjs/common';
import { defineErrors } from '../common/errors/define-errors';

export const tokenLogErrors = defineErrors({
  audit_unavailable: [HttpStatus.SERVICE_UNAVAILABLE, 'The token could not be recorded, so it was not issued; retry later'],
});
