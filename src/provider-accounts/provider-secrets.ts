import { openRowSecret, sealRowSecret } from '../crypto/row-secrets';
import { DecryptionError, SecretBox } from '../crypto/secret-box';
import { ProviderAccount } from '../generated/prisma/client';
import { AccountContext } from '../providers/provider-adapter';
import { providerAccountErrors } from './provider-accounts.errors';

/** What opening an account reads of its row. */
export type OpenableAccount = Pick<ProviderAccount, 'id' | 'tenantId' | 'updatedAt' | 'config' | 'baseUrl' | 'secretCiphertext'>;

export function sealSecrets(box: SecretBox, tenantId: string, accountId: string, secrets: object) {
  return { ...sealRowSecret(box, 'provider_account', tenantId, accountId, JSON.stringify(secrets)), secretHints: hintsFor(secrets) };
}

/** Throws DecryptionError when the key is missing or the data was tampered with or moved. */
export function openSecrets(box: SecretBox, tenantId: string, accountId: string, ciphertext: string): Record<string, unknown> {
  return JSON.parse(openRowSecret(box, 'provider_account', tenantId, accountId, ciphertext)) as Record<string, unknown>;
}

/** An account's secrets, or `provider_account_unreadable` (500) when they cannot be decrypted: fail closed. */
export function readAccountSecrets(
  box: SecretBox,
  account: { tenantId: string; id: string; secretCiphertext: string },
): Record<string, unknown> {
  try {
    return openSecrets(box, account.tenantId, account.id, account.secretCiphertext);
  } catch (error) {
    if (error instanceof DecryptionError) throw providerAccountErrors.provider_account_unreadable();
    throw error;
  }
}

/** An account as adapters see it: settings and decrypted secrets. Fails closed like `readAccountSecrets`. */
export function openAccount(box: SecretBox, account: OpenableAccount): AccountContext {
  return {
    id: account.id,
    updatedAt: account.updatedAt,
    config: account.config as object,
    secrets: readAccountSecrets(box, account),
    baseUrl: account.baseUrl ?? undefined,
  };
}

/** "****" plus the last 4 characters, the most any response shows of a secret. */
function hintsFor(secrets: object): Record<string, string> {
  return Object.fromEntries(
    Object.entries(secrets)
      .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
      .map(([field, value]) => [field, `****${value.length >= 16 ? value.slice(-4) : ''}`]),
  );
}
