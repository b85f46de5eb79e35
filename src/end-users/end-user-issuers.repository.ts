import { Injectable } from '@nestjs/common';
import { Db, PrismaService } from '../database/prisma.service';
import { EndUserIssuer } from '../generated/prisma/client';

export type IssuerWrite = Omit<EndUserIssuer, 'tenantId' | 'createdAt' | 'updatedAt'>;

/** Every method is addressed by tenant first, except the re-wrap's, which works across tenants on ciphertext only. */
@Injectable()
export class EndUserIssuersRepository {
  constructor(private readonly prisma: PrismaService) {}

  list(tenantId: string, db: Db = this.prisma): Promise<EndUserIssuer[]> {
    return db.endUserIssuer.findMany({ where: { tenantId }, orderBy: { createdAt: 'asc' } });
  }

  /** Makes the tenant's issuers exactly `issuers`: others are deleted, existing ones (by `issuer`) keep their id. */
  async replaceAll(tenantId: string, issuers: IssuerWrite[], db: Db): Promise<void> {
    await db.endUserIssuer.deleteMany({ where: { tenantId, issuer: { notIn: issuers.map(({ issuer }) => issuer) } } });
    for (const { id, ...fields } of issuers) {
      await db.endUserIssuer.upsert({
        where: { tenantId_issuer: { tenantId, issuer: fields.issuer } },
        create: { id, tenantId, ...fields },
        update: fields,
      });
    }
  }

  findWrappedByOtherKeys(primaryKeyId: string, excludeIds: string[], take: number) {
    return this.prisma.endUserIssuer
      .findMany({
        where: { secretKeyId: { not: primaryKeyId }, secretCiphertext: { not: null }, id: { notIn: excludeIds } },
        select: { id: true, secretCiphertext: true },
        take,
      })
      .then((rows) => rows.map((row) => ({ id: row.id, secretCiphertext: row.secretCiphertext! })));
  }

  /** Compare-and-swap, so a rotation never overwrites a secret changed concurrently through the API. */
  async replaceCiphertext(id: string, expected: string, ciphertext: string, keyId: string): Promise<boolean> {
    const { count } = await this.prisma.endUserIssuer.updateMany({
      where: { id, secretCiphertext: expected },
      data: { secretCiphertext: ciphertext, secretKeyId: keyId },
    });
    return count === 1;
  }

  async countByKeyId() {
    const groups = await this.prisma.endUserIssuer.groupBy({
      by: ['secretKeyId'],
      where: { secretKeyId: { not: null } },
      _count: { _all: true },
    });
    return groups.map((group) => ({ secretKeyId: group.secretKeyId!, _count: group._count }));
  }
}
