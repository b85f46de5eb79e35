import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Actor, AdminPrincipal, TenantPrincipal } from '../auth/principal';
import { Clock } from '../common/clock/clock';
import { invalidField } from '../common/errors/validation-errors';
import { isUuid } from '../common/ids';
import { decodeCursor, DEFAULT_PAGE_SIZE, Page, toPage } from '../common/pagination/cursor';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { requireRecentSignIn } from '../console/recent-sign-in';
import { generateApiKey } from '../crypto/api-key-codec';
import { Db } from '../database/prisma.service';
import { TenantsService } from '../tenants/tenants.service';
import { ApiKeyResponse, CreatedApiKeyResponse } from './api-key.response';
import { apiKeyErrors } from './api-keys.errors';
import { ApiKeysRepository, KeyOwner } from './api-keys.repository';
import { CreateApiKeyDto } from './dto/create-api-key.dto';

interface KeyRequest extends CreateApiKeyDto {
  scopes?: string[];
}

/** Who manages keys: an admin (any key), or a tenant (its own). */
type KeyManager = Actor<AdminPrincipal | TenantPrincipal>;

/** Issues, lists and revokes API keys. Every change is audited; the full key is returned only on creation. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly tenants: TenantsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  issue(actor: KeyManager, owner: KeyOwner, request: KeyRequest): Promise<CreatedApiKeyResponse> {
    const tenantId = 'tenantId' in owner ? owner.tenantId : undefined;
    return this.audit.recordChange(actor, 'api_key.created', { type: 'api_key', tenantId }, async (tx) => {
      // Inside the change, so that a refused attempt is in the audit log.
      requireRecentSignIn(actor.principal, this.clock.now());
      if (tenantId) await this.tenants.get(tenantId, tx);
      const expiresAt = earliest(this.futureDate(request.expiresAt), await this.expiryOf(actor.principal, tx));
      const kind = tenantId ? 'tenant' : (owner as { kind: 'admin' | 'service' }).kind;
      const generated = generateApiKey(kind);
      const row = await this.keys.create(
        {
          kind,
          tenantId,
          name: request.name,
          prefix: generated.prefix,
          secretHash: generated.secretHash,
          scopes: request.scopes,
          expiresAt,
          createdByKeyId: actor.principal.keyId,
        },
        tx,
      );
      return {
        result: { ...ApiKeyResponse.from(row), key: generated.key },
        target: { id: row.id },
        details: { kind, name: row.name, prefix: row.prefix, scopes: row.scopes, expiresAt: row.expiresAt },
      };
    });
  }

  async list(owner: KeyOwner, query: PageQueryDto): Promise<Page<ApiKeyResponse>> {
    if ('tenantId' in owner) await this.tenants.get(owner.tenantId);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.keys.list(owner, decodeCursor(query.cursor), limit + 1);
    return toPage(
      rows,
      limit,
      (row) => row.createdAt,
      (row) => ApiKeyResponse.from(row),
    );
  }

  revoke(actor: KeyManager, owner: KeyOwner, id: string): Promise<ApiKeyResponse> {
    const tenantId = 'tenantId' in owner ? owner.tenantId : undefined;
    return this.audit.recordChange(actor, 'api_key.revoked', { type: 'api_key', id, tenantId }, async (tx) => {
      const row = isUuid(id) ? await this.keys.revoke(owner, id, this.clock.now(), tx) : null;
      if (!row) throw apiKeyErrors.api_key_not_found();
      return { result: ApiKeyResponse.from(row), details: { prefix: row.prefix } };
    });
  }

  /** When the acting key expires, if it does: a key it creates expires by then too, or it could outlive its maker. */
  private async expiryOf(principal: AdminPrincipal | TenantPrincipal, db: Db): Promise<Date | undefined> {
    const owner: KeyOwner = principal.kind === 'tenant' ? { tenantId: principal.tenantId } : { kind: 'admin' };
    return (await this.keys.find(owner, principal.keyId, db))?.expiresAt ?? undefined;
  }

  private futureDate(value: string | undefined): Date | undefined {
    if (value === undefined) return undefined;
    const date = new Date(value);
    if (date <= this.clock.now()) throw invalidField('expiresAt', 'expiresAt must be in the future');
    return date;
  }
}

function earliest(first: Date | undefined, second: Date | undefined): Date | undefined {
  return first && second ? (first < second ? first : second) : (first ?? second);
}
