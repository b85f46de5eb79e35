import { Inject, Injectable } from '@nestjs/common';
import { DATABASE_CONNECTION, DatabaseConnection } from '../database/database-connection';
import { HOT_PATH } from '../database/hot-path-statements';
import { Db } from '../database/prisma.service';

/** When each revoked user was revoked: their IdP tokens issued before then are refused. Tenant first. */
@Injectable()
export class EndUserRevocationsRepository {
  constructor(@Inject(DATABASE_CONNECTION) private readonly db: DatabaseConnection) {}

  async revokedBefore(tenantId: string, userId: string): Promise<Date | undefined> {
    const { text, name } = HOT_PATH.userRevokedBefore;
    const [row] = await this.db.query<{ revokedBefore: Date }>(text, [tenantId, userId], name);
    return row?.revokedBefore;
  }

  async record(tenantId: string, userId: string, revokedBefore: Date, db: Db): Promise<void> {
    await db.endUserRevocation.upsert({
      where: { tenantId_userId: { tenantId, userId } },
      create: { tenantId, userId, revokedBefore },
      update: { revokedBefore },
    });
  }
}
