import { Injectable, Logger } from '@nestjs/common';
import { Actor, tenantOf } from '../auth/principal';
import { AppError } from '../common/errors/app-error';
import { Clock } from '../common/clock/clock';
import { ChangeFeedService } from '../database/change-feed';
import { PrismaService, TransactionClient } from '../database/prisma.service';
import { AuditAction } from './audit-action';
import { AuditActor, auditActorOf, AuditTarget } from './audit-event';
import { AuditEventsRepository } from './audit-events.repository';

export interface ChangeResult<T> {
  result: T;
  /** Completes the target (for example the id of a row just created). */
  target?: Partial<AuditTarget>;
  details?: Record<string, unknown>;
}

/** Records every administrative and tenant change in the audit log. */
@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly events: AuditEventsRepository,
    private readonly clock: Clock,
    private readonly changes: ChangeFeedService,
  ) {}

  /**
   * Runs `change` in a transaction and appends its success event in the same transaction: a change is never
   * stored without its audit row. If the change throws, a failure event is written and the error rethrown.
   */
  async recordChange<T>(
    actor: Actor,
    action: AuditAction,
    target: AuditTarget,
    change: (tx: TransactionClient) => Promise<ChangeResult<T>>,
  ): Promise<T> {
    const auditActor = auditActorOf(actor);
    const defaultTenantId = tenantOf(actor.principal);
    try {
      let changedTenant: string | undefined;
      const result = await this.prisma.$transaction(async (tx) => {
        const outcome = await change(tx);
        const changed = { tenantId: defaultTenantId, ...target, ...outcome.target };
        changedTenant = changed.tenantId ?? undefined;
        await this.events.append(
          { actor: auditActor, action, target: changed, outcome: 'success', details: outcome.details, occurredAt: this.clock.now() },
          tx,
        );
        // Every change is here, so every replica's caches hear of them from here (delivered at commit).
        await this.changes.announce(tx, changedTenant);
        return outcome.result;
      });
      this.changes.changed(changedTenant);
      return result;
    } catch (error) {
      await this.recordFailure(auditActor, action, { tenantId: defaultTenantId, ...target }, error);
      throw error;
    }
  }

  /**
   * A successful event that is not a single transactional change: long-running maintenance, or system events
   * with no request behind them (pass no actor).
   */
  async recordEvent(actor: Actor | undefined, action: AuditAction, target: AuditTarget, details?: Record<string, unknown>): Promise<void> {
    await this.events.append({
      actor: actor ? auditActorOf(actor) : { kind: 'system' },
      action,
      target,
      outcome: 'success',
      details,
      occurredAt: this.clock.now(),
    });
  }

  /** A change that failed before its transaction began (e.g. at the provider). */
  recordFailedChange(actor: Actor, action: AuditAction, target: AuditTarget, error: unknown): Promise<void> {
    return this.recordFailure(auditActorOf(actor), action, { tenantId: tenantOf(actor.principal), ...target }, error);
  }

  private async recordFailure(actor: AuditActor, action: AuditAction, target: AuditTarget, error: unknown): Promise<void> {
    try {
      await this.events.append({
        actor,
        action,
        target,
        outcome: 'failure',
        errorCode: error instanceof AppError ? error.code : 'internal_error',
        occurredAt: this.clock.now(),
      });
    } catch (auditError) {
      // The change itself already failed and its error is what the caller sees; keep that, but say so loudly.
      this.logger.error(`Could not record failed ${action}: ${(auditError as Error).message}`);
    }
  }
}
