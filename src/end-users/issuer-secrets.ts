import { SecretBox } from '../crypto/secret-box';

/** Binds an issuer's shared secret to its tenant and row: copied anywhere else, it fails to decrypt. */
function associatedData(tenantId: string, issuerId: string): string {
  return `callpass:end_user_issuer:${tenantId}:${issuerId}`;
}

export function sealIssuerSecret(box: SecretBox, tenantId: string, issuerId: string, secret: string) {
  return { secretCiphertext: box.encrypt(secret, associatedData(tenantId, issuerId)), secretKeyId: box.primaryKeyId };
}

/** Throws DecryptionError when the key is missing or the ciphertext was tampered with or moved. */
export function openIssuerSecret(box: SecretBox, tenantId: string, issuerId: string, ciphertext: string): string {
  return box.decrypt(ciphertext, associatedData(tenantId, issuerId));
}
