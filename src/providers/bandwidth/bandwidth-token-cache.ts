import { LRUCache } from 'lru-cache';
import { SharedFlightUnavailable, SharedFlightsService } from '../../redis/shared-flights';

export interface CachedToken {
  token: string;
  tokenId?: string;
  expiresAt: Date;
}

/** A token is reused until this long before it expires; then the next request fetches a new one. */
const REFRESH_AHEAD_MS = 30_000;
/** If a refresh fails, a cached token with at least this much life left is still handed out. */
const FALLBACK_MIN_REMAINING_MS = 10_000;
/** Tokens of at most this many accounts are held; the least recently used go first. */
const MAX_ACCOUNTS = 10_000;

/**
 * Bandwidth's OAuth tokens are per credential, not per user, so one token serves every user of an account until
 * shortly before it expires. Concurrent misses share one upstream call: within the process, and with REDIS_URL
 * across every replica (SharedFlightsService: one replica fetches, the others read its token, encrypted in Redis); while
 * Redis fails, each process fetches its own. Entries are keyed by account and versioned by the account's update
 * time, so rotated credentials never reuse an old token (and the adapter drops an account's entry when it changes).
 * Holds tokens, never credentials.
 */
export class BandwidthTokenCache {
  private readonly entries: LRUCache<string, { version: number; token: CachedToken }>;
  private readonly inFlight = new Map<string, { version: number; promise: Promise<CachedToken> }>();

  constructor(
    private readonly shared?: SharedFlightsService,
    maxAccounts = MAX_ACCOUNTS,
  ) {
    this.entries = new LRUCache({ max: maxAccounts });
  }

  async get(account: { id: string; updatedAt: Date }, now: Date, fetch: () => Promise<CachedToken>): Promise<CachedToken> {
    const version = account.updatedAt.getTime();
    const cached = this.entries.get(account.id);
    const current = cached?.version === version ? cached.token : undefined;
    if (current && current.expiresAt.getTime() - now.getTime() > REFRESH_AHEAD_MS) return current;

    let pending = this.inFlight.get(account.id);
    if (!pending || pending.version !== version) {
      const promise: Promise<CachedToken> = this.fetchOnce(account.id, version, now, fetch)
        .then((token) => {
          // Not if the account was forgotten (changed, deleted) while this fetch ran.
          if (this.inFlight.get(account.id)?.promise === promise) this.entries.set(account.id, { version, token });
          return token;
        })
        .finally(() => {
          if (this.inFlight.get(account.id)?.promise === promise) this.inFlight.delete(account.id);
        });
      pending = { version, promise };
      this.inFlight.set(account.id, pending);
    }
    try {
      return await pending.promise;
    } catch (error) {
      if (current && current.expiresAt.getTime() - now.getTime() > FALLBACK_MIN_REMAINING_MS) return current;
      throw error;
    }
  }

  /** The token another replica fetched, or one fetched here for all of them; this process's own without Redis. */
  private async fetchOnce(accountId: string, version: number, now: Date, fetch: () => Promise<CachedToken>): Promise<CachedToken> {
    if (!this.shared?.enabled) return fetch();
    try {
      const shared = await this.shared.get(
        'bandwidth_tokens',
        `bandwidth:${accountId}:${version}`,
        (value) => value.expiresAt - now.getTime() > REFRESH_AHEAD_MS,
        async () => {
          const token = await fetch();
          return { value: JSON.stringify({ token: token.token, tokenId: token.tokenId }), expiresAt: token.expiresAt.getTime() };
        },
      );
      const { token, tokenId } = JSON.parse(shared.value) as { token: string; tokenId?: string };
      return { token, tokenId, expiresAt: new Date(shared.expiresAt) };
    } catch (error) {
      if (error instanceof SharedFlightUnavailable) return fetch();
      throw error;
    }
  }

  forget(accountId: string): void {
    this.entries.delete(accountId);
    this.inFlight.delete(accountId);
  }
}
