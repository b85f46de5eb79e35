import { createPrivateKey, KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/** Keys of at most this many accounts are held; the least recently used go first. */
const MAX_ACCOUNTS = 10_000;

/**
 * Each account's private key, parsed once: importing a PEM costs more than signing with the parsed key. Entries are
 * keyed by account and versioned by its update time, so a changed account (a new key) never signs with the old one,
 * whichever replica changed it; the adapter also drops an account's entry when told it changed.
 */
export class VonageSigningKeys {
  private readonly keys: LRUCache<string, { version: number; key: KeyObject }>;

  constructor(maxAccounts = MAX_ACCOUNTS) {
    this.keys = new LRUCache({ max: maxAccounts });
  }

  keyFor(account: { id: string; updatedAt: Date; secrets: { privateKey: string } }): KeyObject {
    const version = account.updatedAt.getTime();
    const cached = this.keys.get(account.id);
    if (cached?.version === version) return cached.key;
    const key = createPrivateKey({ key: account.secrets.privateKey, format: 'pem' });
    // A request still holding an older version of the account must not evict the newer key.
    if (!cached || cached.version < version) this.keys.set(account.id, { version, key });
    return key;
  }

  forget(accountId: string): void {
    this.keys.delete(accountId);
  }
}
