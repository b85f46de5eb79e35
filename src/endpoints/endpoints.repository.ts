import { Injectable } from '@nestjs/common';
import { afterCursor, CursorPosition } from '../common/pagination/cursor';
import { Db, PrismaService } from '../database/prisma.service';
import { Capability, Prisma } from '../generated/prisma/client';

/** Every method is addressed by tenant first: a row of another tenant is simply not found. */
@Injectable()
export class EndpointsRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(
    tenantId: string,
    data: {
      providerAccountId: string;
      userId: string;
      identity: string;
      capabilities: Capability[];
      disabled: boolean;
      providerData?: Prisma.InputJsonObject;
    },
    db: Db = this.prisma,
  ) {
    return db.endpoint.create({ data: { ...data, tenantId } });
  }

  /** Whether an endpoint of the account has this identity at the provider. */
  async identityInUse(tenantId: string, providerAccountId: string, identity: string): Promise<boolean> {
    return (await this.prisma.endpoint.count({ where: { tenantId, providerAccountId, identity } })) > 0;
  }

  find(tenantId: string, id: string, db: Db = this.prisma) {
    return db.endpoint.findUnique({ where: { tenantId_id: { tenantId, id } } });
  }

  list(
    tenantId: string,
    filter: { userId?: string; identity?: string; providerAccountId?: string },
    after: CursorPosition | undefined,
    take: number,
  ) {
    const { userId, identity, providerAccountId } = filter;
    return this.prisma.endpoint.findMany({
      where: { tenantId, userId, identity, providerAccountId, ...afterCursor('createdAt', after) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
    });
  }

  update(
    tenantId: string,
    id: string,
    data: { capabilities?: Capability[]; disabled?: boolean; providerData?: Prisma.InputJsonObject; identity?: string },
    db: Db = this.prisma,
  ) {
    return db.endpoint.update({ where: { tenantId_id: { tenantId, id } }, data });
  }

  async delete(tenantId: string, id: string, db: Db = this.prisma): Promise<void> {
    await db.endpoint.delete({ where: { tenantId_id: { tenantId, id } } });
  }
}
