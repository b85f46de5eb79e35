import { HttpStatus } from '@nestjs/common';
import { CodesOf, defineErrors } from '../common/errors/define-errors';

export const tenantErrors = defineErrors({
  tenant_not_found: [HttpStatus.NOT_FOUND, 'No such tenant'],
  tenant_slug_taken: [HttpStatus.CONFLICT, 'Another tenant already uses this slug'],
});

declare module '../common/errors/define-errors' {
  interface ErrorCodes extends CodesOf<typeof tenantErrors> {}
}
