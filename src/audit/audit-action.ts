/** Every action the audit log records, `<target type>.<what happened>`, declared once. */
export const AUDIT_ACTIONS = [
  'tenant.created',
  'tenant.updated',
  'tenant.suspended',
  'tenant.activated',
  'api_key.bootstrapped',
  'api_key.created',
  'api_key.revoked',
  'provider_account.created',
  'provider_account.updated',
  'provider_account.deleted',
  'endpoint.created',
  'endpoint.updated',
  'endpoint.deleted',
  'end_user_auth.updated',
  'end_user_session.created',
  'end_user_session.revoked',
  'end_user.revoked',
  'encryption.rewrapped',
  'audit_sink.created',
  'audit_sink.updated',
  'audit_sink.deleted',
  'audit_sink.secret_rotated',
  'audit_sink.paused',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
