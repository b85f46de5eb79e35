import { Injectable } from '@nestjs/common';
import { afterCursor, CursorPosition } from '../common/pagination/cursor';
import { Db, PrismaService } from '../database/prisma.service';
import { Prisma, TenantStatus } from '../generated/prisma/client';
import { TENANT_SLUG } from './dto/create-tenant.dto';

@Injectable()
export class TenantsRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: { slug: string; name: string; settings: Prisma.InputJsonObject }, db: Db = this.prisma) {
    return db.tenant.create({ data });
  }

  find(tenantId: string, db: Db = this.prisma) {
    return db.tenant.findUnique({ where: { id: tenantId } });
  }

  /** Null for anything that cannot be a slug (a browser route's path can hold anything). */
  async findBySlug(slug: string) {
    if (!TENANT_SLUG.test(slug)) return null;
    return this.prisma.tenant.findUnique({ where: { slug }, select: { id: true, status: true, endUserSessions: true, settings: true } });
  }

  list(filter: { status?: TenantStatus; slug?: string }, after: CursorPosition | undefined, take: number) {
    return this.prisma.tenant.findMany({
      where: { status: filter.status, slug: filter.slug, ...afterCursor('createdAt', after) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
    });
  }

  update(
    tenantId: string,
    data: { name?: string; status?: TenantStatus; settings?: Prisma.InputJsonObject; endUserSessions?: boolean },
    db: Db = this.prisma,
  ) {
    return db.tenant.update({ where: { id: tenantId }, data });
  }
}
