import { Injectable } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { ApiKeyAuthenticator } from '../api-keys/api-key-authenticator.service';
import { RefusalTally } from '../audit/refusal-tally';
import { refusalOutcome, TokenIssuanceLog } from '../audit/token-issuance-log';
import { Principal } from '../auth/principal';
import { AppError, ErrorSubject } from '../common/errors/app-error';
import { ErrorObserver } from '../common/errors/http-exception.filter';
import { Clock } from '../common/clock/clock';
import { uuidv7 } from '../common/ids';

/** Marks a route whose every refusal belongs in the token log. */
export const TokenRoute = () => RouteConfig({ tokenRoute: true });

const ACTOR_KINDS = { admin: 'admin_key', tenant: 'tenant_key', service: 'service_key' } as const satisfies Record<
  Principal['kind'],
  string
>;

/**
 * On the token routes, every refusal is in the token log, including those decided before the pipeline runs
 * (an unparsable body, validation, authentication, authorization). A tenant's own request gets its row; a caller
 * that did not authenticate as the tenant is counted (RefusalTally), so it cannot make the log grow without bound.
 * A body refused before the guards ran has its key checked here, to tell the two apart. Refusals the pipeline
 * recorded itself are not recorded twice.
 */
@Injectable()
export class TokenRouteRefusals extends ErrorObserver {
  constructor(
    private readonly log: TokenIssuanceLog,
    private readonly tally: RefusalTally,
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly clock: Clock,
  ) {
    super();
  }

  async observe(request: FastifyRequest & { user?: Principal }, error: AppError, cause: unknown): Promise<void> {
    if ((request.routeOptions.config as { tokenRoute?: boolean }).tokenRoute !== true || this.log.hasRecorded(cause)) return;
    const { principal, subject } = request.user ? { principal: request.user, subject: undefined } : await this.identify(request);
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
    this.tally.count({
      ...(principal
        ? { actorKind: ACTOR_KINDS[principal.kind], actorId: principal.keyId }
        : (subject ?? error.subject ?? { actorKind: 'unauthenticated' })),
      errorCode: refusalOutcome(error).errorCode,
    });
  }

  /** Who sent a request the guards never saw: its key, checked as the guards would have. */
  private async identify(request: FastifyRequest): Promise<{ principal?: Principal; subject?: ErrorSubject }> {
    const key = /^Bearer +(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!key) return {};
    try {
      return { principal: await this.authenticator.authenticate(key) };
    } catch (error) {
      return { subject: error instanceof AppError ? error.subject : undefined };
    }
  }
}
