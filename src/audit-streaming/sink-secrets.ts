import { randomBytes } from 'node:crypto';
import { openRowSecret, sealRowSecret } from '../crypto/row-secrets';
import { DecryptionError, SecretBox } from '../crypto/secret-box';
import { auditStreamingErrors } from './audit-streaming.errors';

/**
 * A sink's secrets: a webhook's signing secret (`current`, and during a rotation's overlap the one before it); an
 * object store's credentials. A syslog sink has none (TLS authenticates the collector).
 */
export interface SinkSecrets {
  current?: string;
  previous?: string;
  /** ISO time after which `previous` no longer signs. */
  previousUntil?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export function sealSinkSecrets(box: SecretBox, tenantId: string, sinkId: string, secrets: SinkSecrets) {
  return sealRowSecret(box, 'audit_sink', tenantId, sinkId, JSON.stringify(secrets));
}

/** The sink's secrets, or `audit_sink_unreadable` when they cannot be decrypted: fail closed. */
export function openSinkSecrets(box: SecretBox, sink: { tenantId: string; id: string; secretCiphertext: string }): SinkSecrets {
  try {
    return JSON.parse(openRowSecret(box, 'audit_sink', sink.tenantId, sink.id, sink.secretCiphertext)) as SinkSecrets;
  } catch (error) {
    if (error instanceof DecryptionError) throw auditStreamingErrors.audit_sink_unreadable();
    throw error;
  }
}

/** The secrets that sign now: the current one, and the previous one until its overlap ends. */
export function signingSecrets(secrets: SinkSecrets, now: Date): string[] {
  const previousValid = secrets.previous && secrets.previousUntil && new Date(secrets.previousUntil) > now;
  return [secrets.current, previousValid ? secrets.previous : undefined].filter((secret): secret is string => !!secret);
}
