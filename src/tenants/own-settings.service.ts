import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { TenantActor } from '../auth/principal';
import { toJsonObject } from '../common/json';
import { OwnSettingsDto } from './dto/own-settings.dto';
import { DEFAULT_RATE_LIMITS, RateLimitSettingsDto } from './dto/rate-limit-settings.dto';
import { TenantSettingsDto } from './dto/tenant-settings.dto';
import { TokenTtlDto } from './dto/token-ttl.dto';
import { capsOf, OwnSettingsResponse, RateLimitsInForce } from './own-settings.response';
import { tenantErrors } from './tenants.errors';
import { TenantsService } from './tenants.service';
import { TenantsRepository } from './tenants.repository';
import { PROVIDER_MAX_TTL_SECONDS } from '../providers/provider-list';

const LIMITS = ['userPerMinute', 'keyPerMinute', 'tenantPerMinute'] as const;
const LIFETIMES = ['defaultSeconds', 'maxSeconds'] as const;

/**
 * A tenant's own settings: origins as it likes, rate limits and token lifetimes up to the caps its operator set. The
 * caps in force are stored with the first change, so that a limit lowered can be raised again, up to them.
 */
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
      const caps = capsOf(stored);
      const settings: TenantSettingsDto = {
        ...dto,
        tokenTtl: lifetimesWithinCap(dto.tokenTtl, caps.tokenTtlSeconds, stored),
        rateLimits: limitsWithinCaps(dto.rateLimits, caps.rateLimits, stored),
        rateLimitCaps: caps.rateLimits,
        tokenTtlCapSeconds: caps.tokenTtlSeconds,
      };
      await this.repository.update(tenantId, { settings: toJsonObject(settings) }, tx);
      return { result: OwnSettingsResponse.from(settings), details: { changed: ['settings'] } };
    });
  }
}

/**
 * Every limit, each up to its cap (one the operator set above the cap may stay where it is); one left out goes back to
 * its default, or to its cap if that is lower.
 */
function limitsWithinCaps(
  wanted: RateLimitSettingsDto | undefined,
  caps: RateLimitsInForce,
  stored: TenantSettingsDto,
): RateLimitSettingsDto {
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

/** Lifetimes up to the cap (or as the operator left them); under a cap, a longest lifetime left out is the cap. */
function lifetimesWithinCap(wanted: TokenTtlDto | undefined, capSeconds: number, stored: TenantSettingsDto): TokenTtlDto {
  for (const field of LIFETIMES) {
    const value = wanted?.[field];
    if (value !== undefined && value > capSeconds && value !== stored.tokenTtl?.[field]) {
      throw tenantErrors.token_ttl_above_cap({ field, capSeconds });
    }
  }
  return { ...wanted, maxSeconds: wanted?.maxSeconds ?? (capSeconds < PROVIDER_MAX_TTL_SECONDS ? capSeconds : undefined) };
}
