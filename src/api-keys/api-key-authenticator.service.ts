import { Injectable, Logger } from '@nestjs/common';
import { authErrors } from '../auth/auth.errors';
import { Principal } from '../auth/principal';
import { Clock } from '../common/clock/clock';
import { hashApiKey, parseApiKey } from '../crypto/api-key-codec';
import { TenantCache, TenantCachesService } from '../database/tenant-cache';
import { ApiKeysRepository, AuthenticationRow } from './api-keys.repository';

const LAST_USED_RESOLUTION_MS = 60_000;
const KEYS_KEPT = 10_000;

/**
 * Turns a presented API key into a principal. Keys are kept in memory briefly (TenantCache): a revocation or a
 * tenant suspension reaches this replica's next request, and every other replica's as soon as it hears of it.
 */
@Injectable()
export class ApiKeyAuthenticatorService {
  private readonly logger = new Logger('ApiKeyAuthenticator');
  private readonly cache: TenantCache<AuthenticationRow>;

  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly clock: Clock,
    caches: TenantCachesService,
  ) {
    this.cache = caches.create('api_keys', KEYS_KEPT);
  }

  authenticate(presented: string): Promise<Principal> {
    // Malformed keys and bad checksums are refused before touching the database.
    if (!parseApiKey(presented)) return Promise.reject(authErrors.api_key_invalid());
    return this.authenticateHash(hashApiKey(presented));
  }

  /** The key with this hash, as `authenticate` checks it: what a console session opened with a key acts as. */
  async authenticateHash(hash: string): Promise<Principal> {
    const key = await this.cache.get(
      hash,
      () => this.keys.findForAuthentication(hash),
      (row) => row.tenantId ?? undefined,
    );
    if (!key) throw authErrors.api_key_invalid();
    const now = this.clock.now();
    const subject = { actorKind: `${key.kind}_key`, actorId: key.id, tenantId: key.tenantId ?? undefined };
    if (key.revokedAt) throw authErrors.api_key_revoked().about(subject);
    if (key.expiresAt && key.expiresAt <= now) throw authErrors.api_key_expired().about(subject);
    if (key.tenantStatus === 'suspended') throw authErrors.tenant_suspended().about(subject);
    this.noteUse(key, now);

    switch (key.kind) {
      case 'admin':
        return { kind: 'admin', keyId: key.id };
      case 'service':
        return { kind: 'service', keyId: key.id, scopes: key.scopes };
      case 'tenant':
        return { kind: 'tenant', keyId: key.id, tenantId: key.tenantId! };
    }
  }

  /** last_used_at is kept to the minute; writing it on every request would double the hot path's writes. */
  private noteUse(key: AuthenticationRow, now: Date): void {
    const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    if (key.lastUsedAt && key.lastUsedAt >= staleBefore) return;
    // The row may be the cached one: the next requests of the minute need not write again.
    key.lastUsedAt = now;
    const { id } = key;
    this.keys.touchLastUsed(id, now, staleBefore).catch((error: Error) => {
      this.logger.warn(`Could not record last use of key ${id}: ${error.message}`);
    });
  }
}
