import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TenantSettingsDto } from '../tenants/dto/tenant-settings.dto';
import { TenantsRepository } from '../tenants/tenants.repository';
import { clientErrors } from './client.errors';

/** Response headers a browser page may read: the limits, and the id to quote to support. */
const EXPOSED_HEADERS = 'retry-after, ratelimit-limit, ratelimit-remaining, ratelimit-reset, x-request-id';

/**
 * CORS for the browser routes, per tenant: only origins in the tenant's `settings.allowedOrigins` get CORS headers,
 * on every answer including errors (so the page can read a 401 and sign in again). Never `*`, never credentials
 * mode: the user's credential travels in the Authorization header. A request with no Origin is not a browser's
 * cross-origin request and is left to authentication.
 */
@Injectable()
export class ClientOrigins {
  constructor(private readonly tenants: TenantsRepository) {}

  /** Refuses (403 origin_not_allowed) a browser request from an origin the tenant has not allowed. */
  async admit(request: FastifyRequest<{ Params: { tenantSlug?: string } }>, reply: FastifyReply): Promise<void> {
    const origin = request.headers.origin;
    if (origin === undefined) return;
    const tenant = await this.tenants.findBySlug(request.params.tenantSlug ?? '');
    if (!tenant || !allowedOriginsOf(tenant.settings).includes(origin)) {
      throw clientErrors.origin_not_allowed().about({ actorKind: 'end_user', tenantId: tenant?.id });
    }
    allow(reply, origin);
  }

  /** Answers a CORS preflight: the allowed methods and headers for an allowed origin, nothing otherwise. */
  async preflight(request: FastifyRequest<{ Params: { tenantSlug?: string } }>, reply: FastifyReply): Promise<void> {
    const origin = request.headers.origin;
    const tenant = origin ? await this.tenants.findBySlug(request.params.tenantSlug ?? '') : null;
    if (!origin || !tenant || !allowedOriginsOf(tenant.settings).includes(origin)) return;
    allow(reply, origin);
    reply
      .header('access-control-allow-methods', 'POST')
      .header('access-control-allow-headers', 'authorization, content-type')
      .header('access-control-max-age', '600');
  }
}

function allowedOriginsOf(settings: unknown): string[] {
  return (settings as TenantSettingsDto).allowedOrigins ?? [];
}

function allow(reply: FastifyReply, origin: string): void {
  reply.header('access-control-allow-origin', origin).header('access-control-expose-headers', EXPOSED_HEADERS).header('vary', 'Origin');
}
