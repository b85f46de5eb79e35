import { Injectable } from '@nestjs/common';
import { Db, PrismaService } from '../database/prisma.service';
import { EndUserJwksStatus } from '../generated/prisma/client';

/** What the last fetches of each issuer's JWKS found: one row per issuer, written once per fetch by whichever replica fetched. */
@Injectable()
export class EndUserJwksStatusRepository {
  constructor(private readonly prisma: PrismaService) {}

  list(tenantId: string, db: Db = this.prisma): Promise<EndUserJwksStatus[]> {
    return db.endUserJwksStatus.findMany({ where: { tenantId } });
  }

  /** Forgets what was found at an issuer's former jwksUrl. */
  async forget(tenantId: string, issuerIds: string[], db: Db): Promise<void> {
    if (issuerIds.length > 0) await db.endUserJwksStatus.deleteMany({ where: { tenantId, issuerId: { in: issuerIds } } });
  }

  /** A fetch's outcome, unless a later one (another replica's, say) is already recorded. */
  async recordFetched(tenantId: string, issuerId: string, keyIds: string[], at: Date): Promise<void> {
    await this.prisma.$executeRaw`
      INSERT INTO end_user_jwks_status (issuer_id, tenant_id, fetched_at, key_ids) VALUES (${issuerId}::uuid, ${tenantId}::uuid, ${at}, ${keyIds})
      ON CONFLICT (issuer_id) DO UPDATE SET fetched_at = EXCLUDED.fetched_at, key_ids = EXCLUDED.key_ids
      WHERE end_user_jwks_status.tenant_id = EXCLUDED.tenant_id
        AND (end_user_jwks_status.fetched_at IS NULL OR end_user_jwks_status.fetched_at <= EXCLUDED.fetched_at)`;
  }

  async recordFailed(tenantId: string, issuerId: string, cause: string, status: number | null, at: Date): Promise<void> {
    await this.prisma.$executeRaw`
      INSERT INTO end_user_jwks_status (issuer_id, tenant_id, key_ids, error_cause, error_status, error_at)
      VALUES (${issuerId}::uuid, ${tenantId}::uuid, '{}', ${cause}, ${status}, ${at})
      ON CONFLICT (issuer_id) DO UPDATE SET error_cause = EXCLUDED.error_cause, error_status = EXCLUDED.error_status, error_at = EXCLUDED.error_at
      WHERE end_user_jwks_status.tenant_id = EXCLUDED.tenant_id
        AND (end_user_jwks_status.error_at IS NULL OR end_user_jwks_status.error_at <= EXCLUDED.error_at)`;
  }
}
