import { ApiKey } from '../generated/prisma/client';

/** An API key as listed: never the key itself, only its prefix. */
export class ApiKeyResponse {
  id: string;
  kind: string;
  tenantId: string | null;
  name: string;
  prefix: string;
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
  key: string;
}
