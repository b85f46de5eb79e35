import { HttpStatus } from '@nestjs/common';
import { defineErrors } from '../common/errors/define-errors';
import { CodesOf } from '../common/errors/error-codes';

export const apiKeyErrors = defineErrors({
  api_key_not_found: [HttpStatus.NOT_FOUND, 'No such API key'],
});

declare module '../common/errors/error-codes' {
  interface ErrorCodes extends CodesOf<typeof apiKeyErrors> {}
}
