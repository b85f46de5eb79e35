import { HttpStatus } from '@nestjs/common';
import { defineErrors } from '../common/errors/define-errors';
import { CodesOf } from '../common/errors/error-codes';

export const providerAccountErrors = defineErrors({
  provider_account_not_found: [HttpStatus.NOT_FOUND, 'No such provider account'],
  provider_account_name_taken: [HttpStatus.CONFLICT, 'Another provider account of this tenant has this name'],
  provider_account_in_use: [HttpStatus.CONFLICT, 'Delete the endpoints of this provider account first'],
  provider_account_unreadable: [
    HttpStatus.INTERNAL_SERVER_ERROR,
    'The stored secrets of this provider account cannot be decrypted (missing key or tampered data)',
  ],
});

declare module '../common/errors/error-codes' {
  interface ErrorCodes extends CodesOf<typeof providerAccountErrors> {}
}
