import { Injectable } from '@nestjs/common';
import { afterCursor, CursorPosition } from '../common/pagination/cursor';
import { Db, PrismaService } from '../database/prisma.service';
import { Prisma, ProviderAccountStatus } from '../generated/prisma/client';

export interface ProviderAccountWrite {
  name?: string;
  status?: ProviderAccountStatus;
  baseUrl?: string | null;
  config?: Prisma.InputJsonObject;
  policy?: Prisma.InputJsonObject;
  secretCiphertext?: string;
  secretKeyId?: string;
  secretHints?: Prisma.InputJsonObject;
}

/** Every method is addressed by tenant first: a row of another tenant is simply not found. */
@Injectable()
export class ProviderAccountsRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(tenantId: string, data: Required<Omit<ProviderAccountWrite, 'status'>> & { id: string; provider: string }, db: Db = this.prisma) {
    return db.providerAccount.create({ data: { ...data, tenantId } });
  }

  find(tenantId: string, id: string, db: Db = this.prisma) {
    return db.providerAccount.findUnique({ where: { tenantId_id: { tenantId, id } } });
  }

  list(tenantId: string, filter: { provider?: string; status?: ProviderAccountStatus }, after: CursorPosition | undefined, take: number) {
    return this.prisma.providerAccount.findMany({
      where: { tenantId, provider: filter.provider, status: filter.status, ...afterCursor('createdAt', after) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
    });
  }

  update(tenantId: string, id: string, data: ProviderAccountWrite, db: Db = this.prisma) {
    return db.providerAccount.update({ where: { tenantId_id: { tenantId, id } }, data });
  }

  countEndpoints(tenantId: string, id: string, db: Db = this.prisma) {
    return db.endpoint.count({ where: { tenantId, providerAccountId: id } });
  }

  async delete(tenantId: string, id: string, db: Db = this.prisma): Promise<void> {
    await db.providerAccount.delete({ where: { tenantId_id: { tenantId, id } } });
  }

  /** Key rotation works across tenants: rows whose secrets are still wrapped by another key than `primaryKeyId`. */
  findWrappedByOtherKeys(primaryKeyId: string, excludeIds: string[], take: number) {
    return this.prisma.providerAccount.findMany({
      where: { secretKeyId: { not: primaryKeyId }, id: { notIn: excludeIds } },
      select: { id: true, secretCiphertext: true },
      take,
    });
  }

  /** Compare-and-swap, so a rotation never overwrites secrets changed concurrently through the API. */
  async replaceCiphertext(id: string, expected: string, ciphertext: string, keyId: string): Promise<boolean> {
    const { count } = await this.prisma.providerAccount.updateMany({
      where: { id, secretCiphertext: expected },
      data: { secretCiphertext: ciphertext, secretKeyId: keyId },
    });
    return count === 1;
  }

  countByKeyId() {
    return this.prisma.providerAccount.groupBy({ by: ['secretKeyId'], _count: { _all: true } });
  }
}
