import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TenantsBySlugService } from '../tenants/tenants-by-slug';
import { isAllowedOrigin } from './allowed-origins';
import { originsErrors } from './origins.errors';

/** The end users' browser routes, `/v1/client/{tenantSlug}/…` (SignalWire's public embeds answer their own CORS). */
const BROWSER_ROUTES = '/v1/client/';
/** Response headers a browser page may read: the limits, and the id to quote to support. */
const EXPOSED_HEADERS = 'retry-after, ratelimit-limit, ratelimit-remaining, ratelimit-reset, x-request-id';

type BrowserRequest = FastifyRequest<{ Params: { tenantSlug?: string } }> & { originVerdict?: OriginVerdict };
interface OriginVerdict {
  allowed: boolean;
  tenantId?: string;
}

/**
 * CORS for the browser routes, per tenant: only origins in the tenant's `settings.allowedOrigins` get CORS headers,
 * on every answer including errors (so the page can read a 401 and sign in again, or a 400 about its body). Never
 * `*`, never credentials mode: the user's credential travels in the Authorization header. A request with no Origin
 * is not a browser's cross-origin request and is left to authentication.
 */
@Injectable()
export class ClientOriginsService {
  constructor(private readonly tenants: TenantsBySlugService) {}

  /** Fastify onRequest hook: decides the origin before anything else can answer, and sets the CORS headers. */
  async onRequest(fastifyRequest: FastifyRequest, reply: FastifyReply): Promise<void> {
    const request = fastifyRequest as BrowserRequest;
    if (!request.routeOptions.url?.startsWith(BROWSER_ROUTES)) return;
    reply.header('vary', 'Origin');
    const origin = request.headers.origin;
    if (origin === undefined) return;
    const tenant = await this.tenants.find(request.params.tenantSlug ?? '');
    const allowed = Boolean(tenant && isAllowedOrigin(tenant.settings, origin));
    request.originVerdict = { allowed, tenantId: tenant?.id };
    if (allowed) {
      reply.header('access-control-allow-origin', origin).header('access-control-expose-headers', EXPOSED_HEADERS);
    }
  }

  /** Refuses (403 origin_not_allowed) a browser request from an origin the tenant has not allowed. */
  admit(request: FastifyRequest): void {
    if (request.headers.origin === undefined) return;
    const verdict = (request as BrowserRequest).originVerdict ?? { allowed: false };
    if (!verdict.allowed) throw originsErrors.origin_not_allowed().about({ actorKind: 'end_user', tenantId: verdict.tenantId });
  }

  /** Answers a CORS preflight: the allowed methods and headers for an allowed origin, nothing otherwise. */
  preflight(request: FastifyRequest, reply: FastifyReply): void {
    if (!(request as BrowserRequest).originVerdict?.allowed) return;
    reply
      .header('access-control-allow-methods', 'POST')
      .header('access-control-allow-headers', 'authorization, content-type')
      .header('access-control-max-age', '600');
  }
}
