import { HttpStatus } from '@nestjs/common';
import { defineErrors } from '../common/errors/define-errors';
import { CodesOf } from '../common/errors/error-codes';

/** Why an end user's credential was refused (401 each, so a browser knows to get a fresh one), and session mistakes. */
export const endUserErrors = defineErrors({
  end_user_auth_required: [HttpStatus.UNAUTHORIZED, 'Send the user\'s credential as "Authorization: Bearer <IdP JWT or Callpass session>"'],
  end_user_token_too_long: [HttpStatus.UNAUTHORIZED, 'The token is longer than 8 KB'],
  end_user_token_malformed: [HttpStatus.UNAUTHORIZED, 'The token is not a well-formed JWT'],
  end_user_token_header_refused: [
    HttpStatus.UNAUTHORIZED,
    'The token names its own key (jku, x5u, jwk or x5c); only the configured keys are used',
  ],
  end_user_issuer_unknown: [HttpStatus.UNAUTHORIZED, "The token's issuer is not one this tenant trusts"],
  end_user_algorithm_not_allowed: [HttpStatus.UNAUTHORIZED, "The token's algorithm is not one its issuer is configured with"],
  end_user_key_unknown: [HttpStatus.UNAUTHORIZED, "No key of the issuer matches the token's key id"],
  end_user_signature_invalid: [HttpStatus.UNAUTHORIZED, "The token's signature does not verify"],
  end_user_token_expired: [HttpStatus.UNAUTHORIZED, 'The token has expired'],
  end_user_token_not_yet_valid: [HttpStatus.UNAUTHORIZED, 'The token is not valid yet (nbf or iat in the future)'],
  end_user_token_type_mismatch: [HttpStatus.UNAUTHORIZED, "The token's typ header is not the one its issuer is configured with"],
  end_user_audience_mismatch: [HttpStatus.UNAUTHORIZED, 'The token was issued for another audience'],
  end_user_claim_missing: [HttpStatus.UNAUTHORIZED, 'The token lacks a claim Callpass requires (details.claim): exp, iat or the user id'],
  end_user_keys_unavailable: [HttpStatus.SERVICE_UNAVAILABLE, "The issuer's keys could not be fetched; retry later"],
  end_user_session_invalid: [HttpStatus.UNAUTHORIZED, 'The session is not valid'],
  end_user_session_expired: [HttpStatus.UNAUTHORIZED, 'The session has expired'],
  end_user_session_revoked: [HttpStatus.UNAUTHORIZED, 'The session has been revoked'],
  end_user_revoked: [
    HttpStatus.UNAUTHORIZED,
    'This user was signed out by the tenant; sign in again from details.signInAfter (in details.signInAfterSeconds)',
  ],
  end_user_jwks_unreachable: [
    HttpStatus.UNPROCESSABLE_ENTITY,
    "An issuer's JWKS could not be fetched or holds no usable key (details: issuer, cause, status); fix it, or send checkJwks: false",
  ],
  end_user_sessions_disabled: [HttpStatus.FORBIDDEN, 'End-user sessions are not enabled for this tenant (PUT /v1/end-user-auth)'],
  end_user_session_not_found: [HttpStatus.NOT_FOUND, 'No such session'],
  session_scope_exceeded: [HttpStatus.FORBIDDEN, 'The session is bound to another provider account'],
});

declare module '../common/errors/error-codes' {
  interface ErrorCodes extends CodesOf<typeof endUserErrors> {}
}
