import { HttpStatus } from '@nestjs/common';
import { defineErrors } from '../common/errors/define-errors';

export const providerErrors = defineErrors({
  provider_not_supported: [HttpStatus.BAD_REQUEST, 'Callpass has no such provider'],
});
