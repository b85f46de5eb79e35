import { Injectable } from '@nestjs/common';
import { chainOf } from '../audit-chain/chain-encoding';
import { linkRows } from '../audit-chain/chain-heads';
import { afterCursor, CursorPosition } from '../common/pagination/cursor';
import { isUuid, uuidv7 } from '../common/ids';
import { Prisma } from '../generated/prisma/client';
import { PrismaService, TransactionClient } from '../database/prisma.service';
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

  /** Appends the event, linked into its tenant's hash chain, in the caller's transaction or one of its own. */
  async append(event: AuditEventInput, tx?: TransactionClient): Promise<void> {
    if (!tx) return this.prisma.$transaction((own) => this.append(event, own));
    const row = {
      id: uuidv7(event.occurredAt.getTime()),
      // A target named in a malformed request may carry a tenant id that is not one.
      tenantId: event.target.tenantId && isUuid(event.target.tenantId) ? event.target.tenantId.toLowerCase() : null,
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
    };
    const { links, moveHeads } = await linkRows((sql, params) => tx.$queryRawUnsafe(sql, ...params), 'audit_events', [
      { chainId: chainOf(row.tenantId), content: auditEventContent(row) },
    ]);
    const [link] = links;
    await tx.auditEvent.create({ data: { ...row, chainId: link.chainId, chainSeq: link.seq, chainPrev: link.prev, chainHash: link.hash } });
    await tx.$executeRawUnsafe(moveHeads.sql, ...moveHeads.params);
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

/** The columns whose values an audit event's chain link covers, in order (the row as stored). */
export const AUDIT_EVENT_CONTENT_COLUMNS = [
  'id',
  'tenant_id',
  'actor_kind',
  'actor_id',
  'action',
  'target_type',
  'target_id',
  'outcome',
  'error_code',
  'details',
  'request_id',
  'client_ip',
  'occurred_at',
];

function auditEventContent(row: {
  id: string;
  tenantId: string | null;
  actorKind: string;
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  outcome: string;
  errorCode: string | null;
  details: unknown;
  requestId: string | null;
  clientIp: string | null;
  occurredAt: Date;
}): unknown[] {
  return [
    row.id,
    row.tenantId,
    row.actorKind,
    row.actorId,
    row.action,
    row.targetType,
    row.targetId,
    row.outcome,
    row.errorCode,
    row.details,
    row.requestId,
    row.clientIp,
    row.occurredAt,
  ];
}
