import { createPrivateKey, KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/** Keys of at most this many accounts are held; the least recently used go first. */
const MAX_ACCOUNTS = 10_000;
/**
 * A parsed key is dropped after a minute: the key of an account deleted or given a new key through another replica
 * does not stay in this one's memory (re-parsing once a minute costs about 1 ms).
 */
const KEEP_MS = 60_000;

/**
 * Each account's private key, parsed once: importing a PEM costs more than signing with the parsed key. Entries are
 * keyed by account and versioned by its update time, so a changed account (a new key) never signs with the old one,
 * whichever replica changed it; the adapter also drops an account's entry when told it changed.
 */
export class VonageSigningKeys {
  private readonly keys: LRUCache<string, { version: number; key: KeyObject }>;

  /** `perf` is the clock the minute is measured on (tests move it). */
  constructor(options: { maxAccounts?: number; perf?: { now(): number } } = {}) {
    this.keys = new LRUCache({
      max: options.maxAccounts ?? MAX_ACCOUNTS,
      ttl: KEEP_MS,
      ttlResolution: 0,
      ttlAutopurge: true,
      perf: options.perf,
    });
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
