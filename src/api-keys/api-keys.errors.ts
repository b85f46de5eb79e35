import { HttpStatus } from '@nestjs/common';
import { CodesOf, defineErrors } from '../common/errors/define-errors';

export const apiKeyErrors = defineErrors({
  api_key_not_found: [HttpStatus.NOT_FOUND, 'No such API key'],
});

declare module '../common/errors/define-errors' {
  interface ErrorCodes extends CodesOf<typeof apiKeyErrors> {}
}
