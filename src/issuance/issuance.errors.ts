import { HttpStatus } from '@nestjs/common';
import { defineErrors } from '../common/errors/define-errors';
import { CodesOf } from '../common/errors/error-codes';

export const issuanceErrors = defineErrors({
  endpoint_reference_required: [
    HttpStatus.BAD_REQUEST,
    'Name the endpoint: endpointId, or userId (with providerAccountId where the user has several)',
  ],
  endpoint_choice_required: [HttpStatus.BAD_REQUEST, 'This user has endpoints on several accounts: name providerAccountId or provider'],
  user_endpoint_not_found: [HttpStatus.NOT_FOUND, 'This user has no endpoint yet: create one (POST /v1/endpoints)'],
  token_kind_not_supported: [HttpStatus.BAD_REQUEST, 'This provider does not mint this kind of token'],
  capability_not_supported: [HttpStatus.BAD_REQUEST, 'This kind of token cannot carry the requested capabilities'],
  option_not_allowed: [HttpStatus.FORBIDDEN, 'An end user may not set these options; the tenant backend can'],
  capability_not_allowed: [HttpStatus.FORBIDDEN, 'The endpoint or account does not allow these capabilities'],
  endpoint_disabled: [HttpStatus.FORBIDDEN, 'The endpoint is disabled'],
  provider_account_disabled: [HttpStatus.FORBIDDEN, 'The provider account is disabled'],
  token_not_refreshable: [
    HttpStatus.NOT_FOUND,
    'No refreshable token with this id (only the latest token of a refresh chain can be refreshed)',
  ],
  token_refresh_conflict: [HttpStatus.CONFLICT, 'This token is being or has been refreshed concurrently; use the newer token'],
  refresh_unreadable: [HttpStatus.INTERNAL_SERVER_ERROR, 'The kept refresh credential cannot be decrypted; mint a new token'],
});

declare module '../common/errors/error-codes' {
  interface ErrorCodes extends CodesOf<typeof issuanceErrors> {}
}
