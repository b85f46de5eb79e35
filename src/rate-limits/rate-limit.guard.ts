import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Principal, tenantOf } from '../auth/principal';
import { AppError } from '../common/errors/app-error';
import { isUuid } from '../common/ids';
import { TenantCache, TenantCachesService } from '../database/tenant-cache';
import { DEFAULT_RATE_LIMITS } from '../tenants/dto/rate-limit-settings.dto';
import { TenantSettingsDto } from '../tenants/dto/tenant-settings.dto';
import { TenantsRepository } from '../tenants/tenants.repository';
import { RateLimitRule, RateLimitsService, RateLimitState } from './rate-limits';

const TENANTS_KEPT = 10_000;

/**
 * Global guard, after authentication: limits every authenticated request per end user or per key, then per tenant,
 * with the tenant's `settings.rateLimits`, whatever the route (the token routes, and also sessions, revocations,
 * configuration). Every answer says where the caller stands (RateLimit-Limit, -Remaining, -Reset); a refusal is 429
 * with Retry-After, and on a token route lands in the token log like any refusal there. A request a provider's
 * outage refused gets its count back (RateLimitsService.refundUnserved). Public routes are left to the per-client
 * limits (ClientLimitsService).
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly settings: TenantCache<{ id: string; settings: TenantSettingsDto }>;

  constructor(
    private readonly limits: RateLimitsService,
    private readonly tenants: TenantsRepository,
    caches: TenantCachesService,
  ) {
    this.settings = caches.create('tenant_settings', TENANTS_KEPT);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest<{ Params: { tenantId?: string } }> & { user?: Principal }>();
    if (!request.user) return true;
    const reply = http.getResponse<FastifyReply>();
    try {
      const state = await this.limits.consume(await this.rulesFor(request.user, request.params.tenantId), request);
      if (state) setRateLimitHeaders(reply, state);
    } catch (error) {
      if (error instanceof AppError && error.code === 'rate_limited') {
        setRateLimitHeaders(reply, {
          limit: Number(error.details.perMinute),
          remaining: 0,
          resetSeconds: Number(error.details.retryAfterSeconds),
        });
      }
      throw error;
    }
    return true;
  }

  private async rulesFor(principal: Principal, tenantParam: string | undefined): Promise<RateLimitRule[]> {
    // A service acts on the tenant its route names (an unknown one is refused by the route itself); an admin key
    // spends its own budget only.
    const named = principal.kind === 'service' && tenantParam && isUuid(tenantParam) ? tenantParam : undefined;
    const tenantId = tenantOf(principal) ?? named;
    const tenant = tenantId
      ? await this.settings.get(
          tenantId,
          () => this.tenantSettings(tenantId),
          (found) => found.id,
        )
      : undefined;
    const limits = { ...DEFAULT_RATE_LIMITS, ...tenant?.settings.rateLimits };
    const rules: RateLimitRule[] = [
      principal.kind === 'end_user'
        ? { name: 'user', key: `user:${principal.tenantId}:${principal.userId}`, perMinute: limits.userPerMinute }
        : { name: 'key', key: `key:${principal.keyId}`, perMinute: limits.keyPerMinute },
    ];
    if (tenant) rules.push({ name: 'tenant', key: `tenant:${tenant.id}`, perMinute: limits.tenantPerMinute });
    return rules;
  }

  private async tenantSettings(tenantId: string) {
    const tenant = await this.tenants.find(tenantId);
    return tenant ? { id: tenant.id, settings: tenant.settings as TenantSettingsDto } : undefined;
  }
}

function setRateLimitHeaders(reply: FastifyReply, state: RateLimitState): void {
  reply
    .header('ratelimit-limit', String(state.limit))
    .header('ratelimit-remaining', String(state.remaining))
    .header('ratelimit-reset', String(state.resetSeconds));
}
