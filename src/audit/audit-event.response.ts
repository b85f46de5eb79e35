import { ChainPosition, chainPositionOf } from '../audit-chain/chain-position';
import { AuditEvent } from '../generated/prisma/client';

export class AuditEventResponse {
  id: string;
  tenantId: string | null;
  actor: { kind: string; id: string | null };
  action: string;
  target: { type: string; id: string | null };
  outcome: 'success' | 'failure';
  errorCode: string | null;
  details: Record<string, unknown>;
  requestId: string | null;
  clientIp: string | null;
  occurredAt: Date;
  chain: ChainPosition | null;

  static from(event: AuditEvent): AuditEventResponse {
    return {
      id: event.id,
      tenantId: event.tenantId,
      actor: { kind: event.actorKind, id: event.actorId },
      action: event.action,
      target: { type: event.targetType, id: event.targetId },
      outcome: event.outcome,
      errorCode: event.errorCode,
      details: event.details as Record<string, unknown>,
      requestId: event.requestId,
      clientIp: event.clientIp,
      occurredAt: event.occurredAt,
      chain: chainPositionOf(event),
    };
  }
}
