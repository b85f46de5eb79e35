import { Injectable } from '@nestjs/common';
import { TokenIssuancesRepository } from '../token-log/token-issuances.repository';
import { ServiceActor } from '../auth/principal';
import { Clock } from '../common/clock/clock';
import { invalidField } from '../common/errors/validation-errors';
import { Page } from '../common/pagination/cursor';
import { EndpointResponse } from '../endpoints/endpoint.response';
import { UserRevocationResponse } from '../end-users/user-revocation.response';
import { UserRevocationService } from '../end-users/user-revocation.service';
import { EndpointsService } from '../endpoints/endpoints.service';
import { IssuanceService } from '../issuance/issuance.service';
import { IssuedTokenResponse } from '../issuance/issued-token.response';
import { TenantsService } from '../tenants/tenants.service';
import { ServiceTokenDto } from './dto/service-token.dto';
import { UsageQueryDto } from './dto/usage-query.dto';
import { UserEndpointsQueryDto } from './dto/user-endpoints-query.dto';
import { UsageDayResponse } from './usage.response';

const DAY_MS = 86_400_000;
const MAX_USAGE_DAYS = 366;

/** For other Callpass services: read-only views (billing, support tooling), and acting for a tenant's users. */
@Injectable()
export class InternalService {
  constructor(
    private readonly tenants: TenantsService,
    private readonly endpoints: EndpointsService,
    private readonly issuances: TokenIssuancesRepository,
    private readonly issuance: IssuanceService,
    private readonly revocation: UserRevocationService,
    private readonly clock: Clock,
  ) {}

  async issueToken(actor: ServiceActor, tenantId: string, dto: ServiceTokenDto): Promise<IssuedTokenResponse> {
    await this.tenants.get(tenantId);
    return this.issuance.issue(
      actor,
      tenantId,
      { user: dto.userId, providerAccountId: dto.providerAccountId, provider: dto.provider },
      dto,
    );
  }

  async revokeUser(actor: ServiceActor, tenantId: string, userId: string): Promise<UserRevocationResponse> {
    await this.tenants.get(tenantId);
    return this.revocation.revoke(actor, tenantId, userId);
  }

  async endpointsOfUser(tenantId: string, query: UserEndpointsQueryDto): Promise<Page<EndpointResponse>> {
    await this.tenants.get(tenantId);
    return this.endpoints.list(tenantId, query);
  }

  async usage(query: UsageQueryDto): Promise<UsageDayResponse[]> {
    const to = query.to ? new Date(query.to) : new Date(startOfUtcDay(this.clock.now()).getTime() + DAY_MS);
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * DAY_MS);
    if (from >= to) throw invalidField('from', 'from must be before to');
    if (to.getTime() - from.getTime() > MAX_USAGE_DAYS * DAY_MS) throw invalidField('from', `at most ${MAX_USAGE_DAYS} days per query`);

    const days = new Map<string, UsageDayResponse>();
    for (const row of await this.issuances.usageByDay(query.tenantId, from, to)) {
      const day = row.day.toISOString().slice(0, 10);
      const key = `${row.tenantId}|${row.provider}|${day}`;
      const entry = days.get(key) ?? { tenantId: row.tenantId, provider: row.provider, day, issued: 0, refused: 0, failed: 0 };
      entry[row.outcome] += row.count;
      days.set(key, entry);
    }
    return [...days.values()];
  }
}

function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}
