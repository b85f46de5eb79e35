import { Injectable, Logger } from '@nestjs/common';
import { createLocalJWKSet, errors, JSONWebKeySet, JWTVerifyGetKey } from 'jose';
import { Clock } from '../common/clock/clock';
import { EndUserIssuer } from '../generated/prisma/client';
import { MetricsService } from '../metrics/metrics';
import { OutboundPolicyService } from '../outbound/outbound-policy';
import { SharedFlightsService, SharedFlightUnavailable, SharedValue } from '../redis/shared-flights';
import { EndUserJwksStatusRepository } from './end-user-jwks-status.repository';
import { endUserErrors } from './end-users.errors';
import { fetchJwks, JwksFetchError, usableKeyIds, usableKeys } from './jwks-fetch';

const JWKS_TIMEOUT_MS = 2000;
/**
 * An unknown kid refetches the key set at once, unless one did (on any replica, with Redis) this recently: forged kids
 * cost an issuer at most one fetch per window. Also the shortest a Cache-Control max-age can make the cache.
 */
export const JWKS_REFETCH_WINDOW_MS = 5_000;
/** After a key set could not be fetched, how long tokens of its issuer are refused without another fetch. */
export const JWKS_FAILURE_BACKOFF_MS = 10_000;

/** An issuer's key lookup, and until when a key it gave may be trusted: its set's expiry (ms since the epoch). */
export type IssuerKeyLookup = JWTVerifyGetKey & { trustedUntil(key: unknown): number };

/** A key set as fetched, with when it was fetched and until when it is used (ms since the epoch). */
interface FetchedKeySet {
  jwks: JSONWebKeySet;
  fetchedAt: number;
  expiresAt: number;
  /** When an unknown kid last caused a fetch (this one or an earlier one). */
  kidRefetchAt?: number;
}

interface KeySet extends FetchedKeySet {
  keys: JWTVerifyGetKey;
}

/** One issuer's keys in this process (for one version of its row). */
interface IssuerKeys {
  current?: KeySet;
  loading?: Promise<KeySet>;
  failedUntil: number;
  /** Until when a failed refetch for an unknown kid stops further ones; the set in hand still serves its own kids. */
  kidRefetchFailedUntil: number;
  /** The fetches this process made: whether one happened during a request. */
  fetches: number;
}

/**
 * The JWKS of issuers configured with a `jwksUrl`, fetched here (through the outbound guard) and verified against
 * with jose's local key set, so that every moment is measured on the injected Clock. A set is used for the issuer's
 * `jwksMaxAgeSeconds` (or its answer's shorter Cache-Control max-age); an unknown kid refetches at once, at most once
 * per window; a failed fetch refuses the issuer's tokens for a while without fetching. With Redis, the replicas
 * share one fetch (the set is stored there, sealed); each fetch records its outcome for GET /v1/end-user-auth.
 */
@Injectable()
export class JwksCacheService {
  private readonly logger = new Logger(JwksCacheService.name);

  constructor(
    private readonly outbound: OutboundPolicyService,
    private readonly clock: Clock,
    private readonly sharedFlights: SharedFlightsService,
    private readonly status: EndUserJwksStatusRepository,
    private readonly metrics: MetricsService,
  ) {}

  /** The key lookup for one version of an issuer's row; a changed row gets a new one, with nothing carried over. */
  keysOf(issuer: EndUserIssuer): IssuerKeyLookup {
    const state: IssuerKeys = { failedUntil: 0, kidRefetchFailedUntil: 0, fetches: 0 };
    // Each key by the set it came from: a verdict lasts no longer than that set, whatever replaced it since.
    const expiryOfKey = new WeakMap<object, number>();
    const fromSet = async (set: KeySet, ...[header, token]: Parameters<JWTVerifyGetKey>) => {
      let key: Awaited<ReturnType<JWTVerifyGetKey>>;
      try {
        key = await set.keys(header, token);
      } catch (error) {
        if (error instanceof errors.JOSEError) throw error;
        // jose imports a key of the set when a token first names it: key material that will not import (WebCrypto's
        // errors, not jose's) is the issuer's fault, told as its keys being unusable.
        this.logger.warn(
          `JWKS key unusable: tenantId=${issuer.tenantId} issuer=${JSON.stringify(issuer.issuer)} kid=${JSON.stringify(header.kid ?? null)} (${(error as Error).message})`,
        );
        throw endUserErrors.end_user_keys_unavailable();
      }
      expiryOfKey.set(key, set.expiresAt);
      return key;
    };
    const lookup: JWTVerifyGetKey = async (header, token) => {
      const now = this.clock.now().getTime();
      if (now < state.failedUntil) throw endUserErrors.end_user_keys_unavailable();
      const fresh = (set: FetchedKeySet) => now < set.expiresAt;
      const cached = state.current;
      const fetchesBefore = state.fetches;
      let set = cached && fresh(cached) ? cached : await this.load(issuer, state, fresh, false);
      try {
        return await fromSet(set, header, token);
      } catch (error) {
        // A kid the set lacks: the issuer may have just published it. Not again if this process fetched the set during
        // this very request (a set another replica fetched earlier may predate the key), nor within the window of the
        // last refetch for an unknown kid, nor while such a refetch has lately failed.
        const refetchedLately = (candidate: FetchedKeySet) => now < (candidate.kidRefetchAt ?? -Infinity) + JWKS_REFETCH_WINDOW_MS;
        const fetchedMeanwhile = state.fetches !== fetchesBefore;
        if (!(error instanceof errors.JWKSNoMatchingKey) || fetchedMeanwhile || refetchedLately(set) || now < state.kidRefetchFailedUntil)
          throw error;
        try {
          set = await this.load(issuer, state, refetchedLately, true);
        } catch {
          // Only this kid is refused: the issuer's other tokens go on with the set in hand.
          throw error;
        }
        return fromSet(set, header, token);
      }
    };
    return Object.assign(lookup, { trustedUntil: (key: unknown) => (typeof key === 'object' && key && expiryOfKey.get(key)) || 0 });
  }

  /** Fetches a JWKS once, as a PUT checks it: throws the JwksFetchError naming the cause. */
  async check(tenantId: string, issuer: string, url: string, algorithms: string[]): Promise<void> {
    try {
      const { jwks } = await fetchJwks(this.outbound, url, this.clock.timeout(JWKS_TIMEOUT_MS));
      usableKeyIds(jwks, algorithms);
      this.metrics.jwksFetches.inc({ outcome: 'ok', cause: '' });
    } catch (error) {
      if (error instanceof JwksFetchError) this.failed(tenantId, issuer, url, error);
      throw error;
    }
  }

  /** The set `usable` accepts: this process's, another replica's (Redis), or a new fetch; one flight at a time. */
  private async load(issuer: EndUserIssuer, state: IssuerKeys, usable: (set: FetchedKeySet) => boolean, forKid: boolean): Promise<KeySet> {
    if (state.current && usable(state.current)) return state.current;
    const counted = () => void (state.fetches += 1);
    state.loading ??= this.fetchShared(issuer, usable, forKid, state.current?.kidRefetchAt, counted)
      .then(
        // Only the keys Callpass can verify with: jose would throw a TypeError for the others (an RSA key under 2048 bits).
        (fetched) => (state.current = { ...fetched, keys: createLocalJWKSet({ keys: usableKeys(fetched.jwks, issuer.algorithms) }) }),
        (error: unknown) => {
          const until = this.clock.now().getTime() + JWKS_FAILURE_BACKOFF_MS;
          if (forKid) state.kidRefetchFailedUntil = until;
          else state.failedUntil = until;
          throw error;
        },
      )
      .finally(() => (state.loading = undefined));
    return state.loading;
  }

  /**
   * `forKid`: an unknown kid caused this fetch; otherwise the replaced set's `kidRefetchAt` is carried over.
   * `onFetched` is told of each fetch this process makes (not of a set another replica fetched).
   */
  private async fetchShared(
    issuer: EndUserIssuer,
    usable: (set: FetchedKeySet) => boolean,
    forKid: boolean,
    kidRefetchAt: number | undefined,
    onFetched: () => void,
  ): Promise<FetchedKeySet> {
    const fetchOne = async (): Promise<FetchedKeySet> => {
      const fetched = await this.fetch(issuer);
      onFetched();
      return { ...fetched, kidRefetchAt: forKid ? fetched.fetchedAt : kidRefetchAt };
    };
    if (!this.sharedFlights.enabled) return fetchOne();
    try {
      const shared = await this.sharedFlights.get(
        'jwks',
        `jwks:${issuer.id}:${issuer.updatedAt.getTime()}`,
        (value) => usable(JSON.parse(value.value) as FetchedKeySet),
        async (): Promise<SharedValue> => {
          const fetched = await fetchOne();
          return { value: JSON.stringify(fetched), expiresAt: fetched.expiresAt };
        },
      );
      return JSON.parse(shared.value) as FetchedKeySet;
    } catch (error) {
      if (error instanceof SharedFlightUnavailable) return fetchOne();
      throw error;
    }
  }

  /** One fetch: counted, logged when it fails, and recorded in the issuer's status (best effort). */
  private async fetch(issuer: EndUserIssuer): Promise<FetchedKeySet> {
    const url = issuer.jwksUrl!;
    try {
      const { jwks, maxAgeSeconds } = await fetchJwks(this.outbound, url, this.clock.timeout(JWKS_TIMEOUT_MS));
      const keyIds = usableKeyIds(jwks, issuer.algorithms);
      const fetchedAt = this.clock.now().getTime();
      const maxAgeMs = Math.max(JWKS_REFETCH_WINDOW_MS, Math.min(issuer.jwksMaxAgeSeconds, maxAgeSeconds ?? Infinity) * 1000);
      this.metrics.jwksFetches.inc({ outcome: 'ok', cause: '' });
      await this.status
        .recordFetched(issuer.tenantId, issuer.id, keyIds, new Date(fetchedAt))
        .catch((error: Error) => this.logger.warn(`JWKS status not recorded: ${error.message}`));
      return { jwks, fetchedAt, expiresAt: fetchedAt + maxAgeMs };
    } catch (error) {
      if (!(error instanceof JwksFetchError)) throw error;
      this.failed(issuer.tenantId, issuer.issuer, url, error);
      await this.status
        .recordFailed(issuer.tenantId, issuer.id, error.reason, error.status ?? null, this.clock.now())
        .catch((failure: Error) => this.logger.warn(`JWKS status not recorded: ${failure.message}`));
      throw endUserErrors.end_user_keys_unavailable();
    }
  }

  private failed(tenantId: string, issuer: string, url: string, error: JwksFetchError): void {
    this.metrics.jwksFetches.inc({ outcome: 'failed', cause: error.reason });
    this.logger.warn(
      `JWKS fetch failed: tenantId=${tenantId} issuer=${JSON.stringify(issuer)} host=${new URL(url).host} cause=${error.reason}` +
        `${error.status ? ` status=${error.status}` : ''} (${error.message})`,
    );
  }
}
