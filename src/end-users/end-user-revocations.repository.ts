import { Inject, Injectable } from '@nestjs/common';
import { DATABASE_CONNECTION, DatabaseConnection } from '../database/database-connection';
import { HOT_PATH } from '../database/hot-path-statements';
import { Db } from '../database/prisma.service';
import { TenantCache, TenantCachesService } from '../database/tenant-cache';

/**
 * When each revoked user was revoked: their IdP tokens issued before then are refused. Tenant first. Read by every
 * IdP-authenticated request, so kept briefly (TenantCache): a revocation is a change of its tenant, which drops the
 * tenant's entries on every replica as it commits.
 */
@Injectable()
export class EndUserRevocationsRepository {
  private readonly cache: TenantCache<{ revokedBefore: Date | undefined }>;

  constructor(
    @Inject(DATABASE_CONNECTION) private readonly db: DatabaseConnection,
    caches: TenantCachesService,
  ) {
    this.cache = caches.create('end_user_revocations', 100_000);
  }

  async revokedBefore(tenantId: string, userId: string): Promise<Date | undefined> {
    const load = async () => {
      const { text, name } = HOT_PATH.userRevokedBefore;
      const [row] = await this.db.query<{ revokedBefore: Date }>(text, [tenantId, userId], name);
      return { revokedBefore: row?.revokedBefore };
    };
    const found = await this.cache.get(`${tenantId}\n${userId}`, load, () => tenantId);
    return found!.revokedBefore;
  }

  async record(tenantId: string, userId: string, revokedBefore: Date, db: Db): Promise<void> {
    await db.endUserRevocation.upsert({
      where: { tenantId_userId: { tenantId, userId } },
      create: { tenantId, userId, revokedBefore },
      update: { revokedBefore },
    });
  }
}
