import { HttpStatus } from '@nestjs/common';
import { defineErrors } from '../common/errors/define-errors';

export const apiKeyErrors = defineErrors({
  api_key_not_found: [HttpStatus.NOT_FOUND, 'No such API key'],
});
