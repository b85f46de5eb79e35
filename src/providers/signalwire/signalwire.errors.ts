import { HttpStatus } from '@nestjs/common';
import { defineErrors } from '../../common/errors/define-errors';
import { CodesOf } from '../../common/errors/error-codes';

export const signalwireErrors = defineErrors({
  address_not_allowed: [HttpStatus.FORBIDDEN, 'The endpoint may not call these addresses'],
  embed_not_found: [HttpStatus.NOT_FOUND, 'No click-to-call embed here'],
});

declare module '../../common/errors/error-codes' {
  interface ErrorCodes extends CodesOf<typeof signalwireErrors> {}
}
