import { ArgumentsHost, Catch, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { RefusalTally } from '../audit/refusal-tally';
import { refusalOutcome, TokenIssuanceLog } from '../audit/token-issuance-log';
import { Principal } from '../auth/principal';
import { AppError } from '../common/errors/app-error';
import { HttpExceptionFilter } from '../common/errors/http-exception.filter';
import { Clock } from '../common/clock/clock';
import { uuidv7 } from '../common/ids';

const ACTOR_KINDS = { admin: 'admin_key', tenant: 'tenant_key', service: 'service_key' } as const satisfies Record<
  Principal['kind'],
  string
>;

/**
 * On the token routes, every refusal is in the token log, including those decided before the pipeline runs
 * (validation, authentication, authorization). A tenant's own request gets its row; a caller that did not
 * authenticate as the tenant is counted (RefusalTally), so it cannot make the log grow without bound. Then the
 * error is answered like everywhere else.
 */
@Catch()
@Injectable()
export class TokenRouteExceptionFilter extends HttpExceptionFilter {
  constructor(
    private readonly log: TokenIssuanceLog,
    private readonly tally: RefusalTally,
    private readonly clock: Clock,
  ) {
    super();
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    void this.record(host.switchToHttp().getRequest<FastifyRequest & { user?: Principal }>(), exception).finally(() =>
      super.catch(exception, host),
    );
  }

  private async record(request: FastifyRequest & { user?: Principal }, error: unknown): Promise<void> {
    if (this.log.hasRecorded(error)) return;
    const principal = request.user;
    if (principal?.kind === 'tenant') {
      const now = this.clock.now();
      await this.log.appendRefusal(
        {
          id: uuidv7(now.getTime()),
          tenantId: principal.tenantId,
          actorKind: ACTOR_KINDS.tenant,
          actorId: principal.keyId,
          issuedAt: now,
          requestId: String(request.id),
          clientIp: request.ip,
          origin: typeof request.headers.origin === 'string' ? request.headers.origin : undefined,
          outcome: 'refused',
        },
        error,
      );
      return;
    }
    const subject = error instanceof AppError ? error.subject : undefined;
    this.tally.count({
      ...(principal ? { actorKind: ACTOR_KINDS[principal.kind], actorId: principal.keyId } : (subject ?? { actorKind: 'unauthenticated' })),
      errorCode: refusalOutcome(error).errorCode,
    });
  }
}
