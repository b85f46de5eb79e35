import { Injectable } from '@nestjs/common';
import { decodeCursor, DEFAULT_PAGE_SIZE, Page, toPage } from '../common/pagination/cursor';
import { AuditEventResponse } from './audit-event.response';
import { AuditEventsRepository } from './audit-events.repository';
import { ListAuditEventsQueryDto } from './dto/list-audit-events-query.dto';
import { ListTokenIssuancesQueryDto } from './dto/list-token-issuances-query.dto';
import { TokenIssuanceResponse } from './token-issuance.response';
import { TokenIssuancesRepository } from './token-issuances.repository';

const optionalDate = (value: string | undefined) => (value === undefined ? undefined : new Date(value));

/** Reads both logs. `tenantId` undefined means across tenants, which only admin routes pass. */
@Injectable()
export class AuditLogService {
  constructor(
    private readonly events: AuditEventsRepository,
    private readonly issuances: TokenIssuancesRepository,
  ) {}

  async listEvents(tenantId: string | undefined, query: ListAuditEventsQueryDto): Promise<Page<AuditEventResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const filter = { ...query, from: optionalDate(query.from), to: optionalDate(query.to) };
    const rows = await this.events.list(tenantId, filter, decodeCursor(query.cursor), limit + 1);
    return toPage(
      rows,
      limit,
      (row) => row.occurredAt,
      (row) => AuditEventResponse.from(row),
    );
  }

  async listIssuances(tenantId: string | undefined, query: ListTokenIssuancesQueryDto): Promise<Page<TokenIssuanceResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const filter = { ...query, from: optionalDate(query.from), to: optionalDate(query.to) };
    const rows = await this.issuances.list(tenantId, filter, decodeCursor(query.cursor), limit + 1);
    return toPage(
      rows,
      limit,
      (row) => row.issuedAt,
      (row) => TokenIssuanceResponse.from(row),
    );
  }
}
