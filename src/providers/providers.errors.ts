import { HttpStatus } from '@nestjs/common';
import { defineErrors } from '../common/errors/define-errors';
import { CodesOf } from '../common/errors/error-codes';

/** How a provider call failed, in terms a tenant can act on. Provider secrets and tokens never appear in details. */
export const providerErrors = defineErrors({
  provider_not_supported: [HttpStatus.BAD_REQUEST, 'Callpass has no such provider'],
  provider_auth_failed: [HttpStatus.BAD_GATEWAY, 'The provider rejected the stored credentials'],
  provider_unavailable: [
    HttpStatus.SERVICE_UNAVAILABLE,
    'The provider is unavailable; retry later',
    [HttpStatus.GATEWAY_TIMEOUT, 'The provider did not answer in time'],
  ],
  provider_bad_response: [HttpStatus.BAD_GATEWAY, 'The provider answered with something Callpass cannot read'],
  provider_rejected_request: [HttpStatus.UNPROCESSABLE_ENTITY, 'The provider refused the request; check the account and endpoint settings'],
  provider_config_incomplete: [HttpStatus.UNPROCESSABLE_ENTITY, 'The provider account lacks a setting this token needs'],
  lifetime_exceeds_policy: [
    HttpStatus.UNPROCESSABLE_ENTITY,
    'The provider sets a longer token lifetime than this tenant or account allows',
  ],
  provider_address_forbidden: [
    HttpStatus.UNPROCESSABLE_ENTITY,
    "The account's provider URL is plain http or leads to a loopback, private or metadata address; Callpass sends no secrets there",
  ],
});

declare module '../common/errors/error-codes' {
  interface ErrorCodes extends CodesOf<typeof providerErrors> {}
}
