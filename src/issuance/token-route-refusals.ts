import { applyDecorators, Injectable } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiErrors } from '../api-docs/api-errors.decorator';
import type { FastifyRequest } from 'fastify';
import { ApiKeyAuthenticatorService } from '../api-keys/api-key-authenticator.service';
import { RefusalTallyService } from '../token-log/refusal-tally';
import { refusalOutcome, TokenIssuanceLogService } from '../token-log/token-issuance-log';
import { auditIdentityOf, Principal, tenantOf } from '../auth/principal';
import { bearerCredential } from '../auth/strategies/bearer-credential';
import { AppError, ErrorSubject } from '../common/errors/app-error';
import { ErrorObserver } from '../common/errors/http-exception.filter';
import { Clock } from '../common/clock/clock';
import { uuidv7 } from '../common/ids';
import { MetricsService } from '../metrics/metrics';
import { requestClientKey } from '../rate-limits/client-address';

/** Marks a route that mints: its every refusal belongs in the token log, its rate limit's 429s included. */
export const TokenRoute = () => applyDecorators(RouteConfig({ tokenRoute: true }), ApiErrors('rate_limited'));

/**
 * On the token routes, every refusal is in the token log, including those decided before the pipeline runs
 * (an unparsable body, validation, authentication, authorization, rate limits). A request authenticated as one of
 * the tenant's own (its key, or one of its users) gets its row; any other caller, and any caller over a rate limit,
 * is counted (RefusalTallyService), so that no one can make the log grow without bound. A body refused before the guards
 * ran (one over the size limit; an unparsable one waits for them, see UnparsableBody) has its key checked here, to
 * tell the two apart. Refusals the pipeline recorded itself are not recorded twice.
 */
@Injectable()
export class TokenRouteRefusalsObserver extends ErrorObserver {
  constructor(
    private readonly log: TokenIssuanceLogService,
    private readonly tally: RefusalTallyService,
    private readonly authenticator: ApiKeyAuthenticatorService,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
  ) {
    super();
  }

  async observe(request: FastifyRequest & { user?: Principal }, error: AppError, cause: unknown): Promise<void> {
    if ((request.routeOptions.config as { tokenRoute?: boolean }).tokenRoute !== true || this.log.hasRecorded(cause)) return;
    this.metrics.routeRefusals.inc({ code: error.code });
    const { principal, subject } = request.user ? { principal: request.user, subject: undefined } : await this.identify(request);
    const tenantId = principal && tenantOf(principal);
    if (principal && tenantId && error.code !== 'rate_limited') {
      const now = this.clock.now();
      await this.log.appendRefusal(
        {
          id: uuidv7(now.getTime()),
          tenantId,
          ...auditIdentityOf(principal),
          userId: principal.kind === 'end_user' ? principal.userId : undefined,
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
    this.tally.count({
      ...(principal ? { tenantId, ...auditIdentityOf(principal) } : (subject ?? error.subject ?? { actorKind: 'unauthenticated' })),
      clientIp: requestClientKey(request),
      errorCode: refusalOutcome(error).errorCode,
    });
  }

  /** Who sent a request the guards never saw: its key, checked as the guards would have. */
  private async identify(request: FastifyRequest): Promise<{ principal?: Principal; subject?: ErrorSubject }> {
    const key = bearerCredential(request);
    if (!key) return {};
    try {
      return { principal: await this.authenticator.authenticate(key) };
    } catch (error) {
      return { subject: error instanceof AppError ? error.subject : undefined };
    }
  }
}
