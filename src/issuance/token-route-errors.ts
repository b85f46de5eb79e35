import { ErrorCode } from '../common/errors/error-codes';

/** What minting can answer besides authentication and validation errors (docs/api.md explains each). */
export const PROVIDER_ERRORS: ErrorCode[] = [
  'provider_auth_failed',
  'provider_unavailable',
  'provider_bad_response',
  'provider_rejected_request',
  'provider_config_incomplete',
  'provider_address_forbidden',
  'provider_account_unreadable',
  'audit_unavailable',
];
export const ISSUE_ERRORS: ErrorCode[] = [
  'endpoint_not_found',
  'user_endpoint_not_found',
  'endpoint_choice_required',
  'endpoint_identity_taken',
  'token_kind_not_supported',
  'capability_not_supported',
  'capability_not_allowed',
  'address_not_allowed',
  'endpoint_disabled',
  'provider_account_disabled',
  'lifetime_exceeds_policy',
  ...PROVIDER_ERRORS,
];
export const REFRESH_ERRORS: ErrorCode[] = [
  'token_not_refreshable',
  'token_refresh_conflict',
  'refresh_unreadable',
  'endpoint_disabled',
  'provider_account_disabled',
  'capability_not_allowed',
  'lifetime_exceeds_policy',
  ...PROVIDER_ERRORS,
];
