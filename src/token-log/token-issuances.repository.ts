import { Injectable } from '@nestjs/common';
import { afterCursor, CursorPosition } from '../common/pagination/cursor';
import { PrismaService } from '../database/prisma.service';
import { IssuanceOutcome, Prisma } from '../generated/prisma/client';

export interface UsageRow {
  tenantId: string;
  provider: string | null;
  day: Date;
  outcome: IssuanceOutcome;
  count: number;
}

export interface TokenIssuanceFilter {
  userId?: string;
  providerAccountId?: string;
  endpointId?: string;
  outcome?: IssuanceOutcome;
  from?: Date;
  to?: Date;
}

/** Reads the token log. Rows are only ever appended (by the issuing pipeline), never changed. */
@Injectable()
export class TokenIssuancesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** `tenantId` undefined lists across tenants (admin only). */
  list(tenantId: string | undefined, filter: TokenIssuanceFilter, after: CursorPosition | undefined, take: number) {
    return this.prisma.tokenIssuance.findMany({
      where: {
        tenantId,
        userId: filter.userId,
        providerAccountId: filter.providerAccountId,
        endpointId: filter.endpointId,
        outcome: filter.outcome,
        issuedAt: { gte: filter.from, lt: filter.to },
        ...afterCursor('issuedAt', after),
      },
      orderBy: [{ issuedAt: 'desc' }, { id: 'desc' }],
      take,
    });
  }

  /** Issuance counts per tenant, provider, UTC day and outcome. */
  usageByDay(tenantId: string | undefined, from: Date, to: Date): Promise<UsageRow[]> {
    const tenantFilter = tenantId ? Prisma.sql`AND tenant_id = ${tenantId}::uuid` : Prisma.empty;
    return this.prisma.$queryRaw<UsageRow[]>`
      SELECT tenant_id AS "tenantId", provider, date_trunc('day', issued_at AT TIME ZONE 'UTC') AS day,
             outcome::text AS outcome, count(*)::int AS count
      FROM token_issuances
      WHERE issued_at >= ${from} AND issued_at < ${to} ${tenantFilter}
      GROUP BY 1, 2, 3, 4
      ORDER BY 3, 1, 2, 4`;
  }
}
