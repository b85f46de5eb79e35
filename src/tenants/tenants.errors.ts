import { HttpStatus } from '@nestjs/common';
import { defineErrors } from '../common/errors/define-errors';
import { CodesOf } from '../common/errors/error-codes';

export const tenantErrors = defineErrors({
  tenant_not_found: [HttpStatus.NOT_FOUND, 'No such tenant'],
  tenant_slug_taken: [HttpStatus.CONFLICT, 'Another tenant already uses this slug'],
  rate_limit_above_cap: [HttpStatus.UNPROCESSABLE_ENTITY, 'This rate limit is above the most your operator allows: ask them to raise it'],
  token_ttl_above_cap: [
    HttpStatus.UNPROCESSABLE_ENTITY,
    'This token lifetime is longer than your operator allows (details.capSeconds): ask them to raise it',
  ],
});

declare module '../common/errors/error-codes' {
  interface ErrorCodes extends CodesOf<typeof tenantErrors> {}
}
