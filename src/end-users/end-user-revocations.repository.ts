import { Inject, Injectable } from '@nestjs/common';
import { DATABASE_CONNECTION, DatabaseConnection } from '../database/database-connection';
import { Db } from '../database/prisma.service';

/** When each revoked user was revoked: their IdP tokens issued before then are refused. Tenant first. */
@Injectable()
export class EndUserRevocationsRepository {
  constructor(@Inject(DATABASE_CONNECTION) private readonly db: DatabaseConnection) {}

  async revokedBefore(tenantId: string, userId: string): Promise<Date | undefined> {
    const [row] = await this.db.query<{ revokedBefore: Date }>(
      'SELECT revoked_before AS "revokedBefore" FROM end_user_revocations WHERE tenant_id = $1 AND user_id = $2',
      [tenantId, userId],
      'callpass_user_revoked_before',
    );
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
