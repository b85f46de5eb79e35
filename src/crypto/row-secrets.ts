import { SecretBox } from './secret-box';

/** The tables whose rows hold an encrypted secret. */
export type SecretTable = 'provider_account' | 'provider_session' | 'end_user_issuer' | 'audit_sink';

/** Binds a secret to its table, tenant and row: copied anywhere else, it fails to decrypt. */
function associatedData(table: SecretTable, tenantId: string, rowId: string): string {
  return `callpass:${table}:${tenantId}:${rowId}`;
}

export function sealRowSecret(box: SecretBox, table: SecretTable, tenantId: string, rowId: string, secret: string) {
  return { secretCiphertext: box.encrypt(secret, associatedData(table, tenantId, rowId)), secretKeyId: box.primaryKeyId };
}

/** Throws DecryptionError when the key is missing or the data was tampered with or moved. */
export function openRowSecret(box: SecretBox, table: SecretTable, tenantId: string, rowId: string, ciphertext: string): string {
  return box.decrypt(ciphertext, associatedData(table, tenantId, rowId));
}
