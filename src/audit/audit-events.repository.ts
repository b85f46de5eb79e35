import { Injectable } from '@nestjs/common';
import { afterCursor, CursorPosition } from '../common/pagination/cursor';
import { isUuid, uuidv7 } from '../common/ids';
import { Prisma } from '../generated/prisma/client';
import { Db, PrismaService } from '../database/prisma.service';
import { AuditEventInput } from './audit-event';

export interface AuditEventFilter {
  action?: string;
  targetType?: string;
  targetId?: string;
  actorId?: string;
  from?: Date;
  to?: Date;
}

/** Append-only: this repository can insert and read audit events, nothing else. */
@Injectable()
export class AuditEventsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async append(event: AuditEventInput, db: Db = this.prisma): Promise<void> {
    await db.auditEvent.create({
      data: {
        id: uuidv7(event.occurredAt.getTime()),
        // A target named in a malformed request may carry a tenant id that is not one.
        tenantId: event.target.tenantId && isUuid(event.target.tenantId) ? event.target.tenantId : null,
        actorKind: event.actor.kind,
        actorId: event.actor.id ?? null,
        action: event.action,
        targetType: event.target.type,
        targetId: event.target.id ?? null,
        outcome: event.outcome,
        errorCode: event.errorCode ?? null,
        details: (event.details ?? {}) as Prisma.InputJsonObject,
        requestId: event.actor.requestId ?? null,
        clientIp: event.actor.clientIp ?? null,
        occurredAt: event.occurredAt,
      },
    });
  }

  /** `tenantId` undefined lists across tenants (admin only); a string scopes to that tenant. */
  list(tenantId: string | undefined, filter: AuditEventFilter, after: CursorPosition | undefined, take: number) {
    return this.prisma.auditEvent.findMany({
      where: {
        tenantId,
        action: filter.action,
        targetType: filter.targetType,
        targetId: filter.targetId,
        actorId: filter.actorId,
        occurredAt: { gte: filter.from, lt: filter.to },
        ...afterCursor('occurredAt', after),
      },
      orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
      take,
    });
  }
}
