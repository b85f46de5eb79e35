import { ApiKey } from '../generated/prisma/client';

/** An API key as listed: never the key itself, only its prefix. */
export class ApiKeyResponse {
  id: string;
  /** `admin`, `tenant` or `service`. */
  kind: string;
  tenantId: string | null;
  name: string;
  /**
   * The key's first characters, to tell keys apart.
   * @example "cp_tenant_4Xk9P2qA"
   */
  prefix: string;
  /** A service key's scopes, e.g. `endpoints:read`. */
  scopes: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;

  static from(key: ApiKey): ApiKeyResponse {
    const { id, kind, tenantId, name, prefix, scopes, expiresAt, revokedAt, lastUsedAt, createdAt } = key;
    return { id, kind, tenantId, name, prefix, scopes, expiresAt, revokedAt, lastUsedAt, createdAt };
  }
}

/** Returned once, at creation: the only time the full key is shown. */
export class CreatedApiKeyResponse extends ApiKeyResponse {
  /**
   * The key itself, for `Authorization: Bearer <key>`. Callpass keeps only its hash.
   * @example "cp_tenant_4Xk9P2qAzL8mN3vB7cD1eF6gH0jK5lQ9rS2tU4wX8yZ1a3b5c7d9"
   */
  key: string;
}
