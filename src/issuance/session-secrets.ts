import { SecretBox } from '../crypto/secret-box';

/** Binds a kept refresh credential to its tenant and session row, like provider account secrets. */
function associatedData(tenantId: string, sessionId: string): string {
  return `callpass:provider_session:${tenantId}:${sessionId}`;
}

export function sealSessionSecret(box: SecretBox, tenantId: string, sessionId: string, secret: string) {
  return { secretCiphertext: box.encrypt(secret, associatedData(tenantId, sessionId)), secretKeyId: box.primaryKeyId };
}

/** Throws DecryptionError when the key is missing or the data was tampered with or moved. */
export function openSessionSecret(box: SecretBox, tenantId: string, sessionId: string, ciphertext: string): string {
  return box.decrypt(ciphertext, associatedData(tenantId, sessionId));
}
