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

  async recordFetched(tenantId: string, issuerId: string, keyIds: string[], at: Date): Promise<void> {
    await this.prisma.endUserJwksStatus.upsert({
      where: { issuerId },
      create: { issuerId, tenantId, fetchedAt: at, keyIds },
      update: { fetchedAt: at, keyIds },
    });
  }

  async recordFailed(tenantId: string, issuerId: string, cause: string, status: number | null, at: Date): Promise<void> {
    await this.prisma.endUserJwksStatus.upsert({
      where: { issuerId },
      create: { issuerId, tenantId, keyIds: [], errorCause: cause, errorStatus: status, errorAt: at },
      update: { errorCause: cause, errorStatus: status, errorAt: at },
    });
  }
}
