import { HttpStatus } from '@nestjs/common';
import { defineErrors } from '../common/errors/define-errors';
import { CodesOf } from '../common/errors/error-codes';

export const endpointErrors = defineErrors({
  endpoint_not_found: [HttpStatus.NOT_FOUND, 'No such endpoint'],
  endpoint_exists: [HttpStatus.CONFLICT, 'This user already has an endpoint on this provider account'],
  endpoint_identity_taken: [HttpStatus.CONFLICT, 'Another endpoint of this provider account has this identity'],
  provisioning_not_supported: [
    HttpStatus.BAD_REQUEST,
    'Callpass cannot create users at this provider; create it there and pass its identity',
  ],
  identity_invalid: [HttpStatus.BAD_REQUEST, 'The identity is not valid for this provider'],
});

declare module '../common/errors/error-codes' {
  interface ErrorCodes extends CodesOf<typeof endpointErrors> {}
}
