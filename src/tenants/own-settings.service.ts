import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { TenantActor } from '../auth/principal';
import { toJsonObject } from '../common/json';
import { OwnSettingsDto } from './dto/own-settings.dto';
import { DEFAULT_RATE_LIMITS, RateLimitSettingsDto } from './dto/rate-limit-settings.dto';
import { TenantSettingsDto } from './dto/tenant-settings.dto';
import { OwnSettingsResponse, withDefaults } from './own-settings.response';
import { tenantErrors } from './tenants.errors';
import { TenantsService } from './tenants.service';
import { TenantsRepository } from './tenants.repository';

const LIMITS = ['userPerMinute', 'keyPerMinute', 'tenantPerMinute'] as const;

/** A tenant's own settings: origins and lifetimes as it likes, rate limits up to the caps its operator set. */
@Injectable()
export class OwnSettingsService {
  constructor(
    private readonly tenants: TenantsService,
    private readonly repository: TenantsRepository,
    private readonly audit: AuditService,
  ) {}

  async get(tenantId: string): Promise<OwnSettingsResponse> {
    return OwnSettingsResponse.from((await this.tenants.get(tenantId)).settings as TenantSettingsDto);
  }

  replace(actor: TenantActor, dto: OwnSettingsDto): Promise<OwnSettingsResponse> {
    const tenantId = actor.principal.tenantId;
    return this.audit.recordChange(actor, 'tenant.updated', { type: 'tenant', id: tenantId }, async (tx) => {
      const stored = (await this.tenants.get(tenantId, tx)).settings as TenantSettingsDto;
      const settings: TenantSettingsDto = {
        ...dto,
        rateLimits: limitsWithinCaps(dto.rateLimits, stored),
        rateLimitCaps: stored.rateLimitCaps,
      };
      await this.repository.update(tenantId, { settings: toJsonObject(settings) }, tx);
      return { result: OwnSettingsResponse.from(settings), details: { changed: ['settings'] } };
    });
  }
}

/**
 * Every limit, each up to its cap (one the operator set above the cap may stay where it is); one left out goes back to
 * its default, or to its cap if that is lower, never to a default above what the operator allows.
 */
function limitsWithinCaps(wanted: RateLimitSettingsDto | undefined, stored: TenantSettingsDto): RateLimitSettingsDto {
  const caps = withDefaults(stored.rateLimitCaps);
  const limits: RateLimitSettingsDto = {};
  for (const limit of LIMITS) {
    const value = wanted?.[limit];
    if (value !== undefined && value > caps[limit] && value !== stored.rateLimits?.[limit]) {
      throw tenantErrors.rate_limit_above_cap({ limit, cap: caps[limit] });
    }
    limits[limit] = value ?? Math.min(DEFAULT_RATE_LIMITS[limit], caps[limit]);
  }
  return limits;
}
