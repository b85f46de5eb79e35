import { Actor, auditIdentityOf } from '../auth/principal';
import { AuditAction } from './audit-action';

/** Who caused an audited event. System events (boot-time bootstrap, re-wrap) have no API key. */
export interface AuditActor {
  kind: 'admin' | 'tenant' | 'service' | 'end_user' | 'system';
  id?: string;
  requestId?: string;
  clientIp?: string;
}

export function auditActorOf(actor: Actor): AuditActor {
  return { kind: actor.principal.kind, id: auditIdentityOf(actor.principal).actorId, requestId: actor.requestId, clientIp: actor.clientIp };
}

export interface AuditTarget {
  type: string;
  id?: string;
  /** Tenant the event belongs to (the acting tenant, or the tenant an admin acted on). */
  tenantId?: string;
}

export interface AuditEventInput {
  actor: AuditActor;
  action: AuditAction;
  target: AuditTarget;
  outcome: 'success' | 'failure';
  errorCode?: string;
  /** Non-secret facts only: changed field names, never values of secret fields. */
  details?: Record<string, unknown>;
  occurredAt: Date;
}
