import { Injectable } from '@nestjs/common';
import { decodeCursor, DEFAULT_PAGE_SIZE, optionalDate, Page, toPage } from '../common/pagination/cursor';
import { AuditEventResponse } from './audit-event.response';
import { AuditEventsRepository } from './audit-events.repository';
import { ListAuditEventsQueryDto } from './dto/list-audit-events-query.dto';

/** Reads the audit log. `tenantId` undefined means across tenants, which only admin routes pass. */
@Injectable()
export class AuditEventsService {
  constructor(private readonly events: AuditEventsRepository) {}

  async list(tenantId: string | undefined, query: ListAuditEventsQueryDto): Promise<Page<AuditEventResponse>> {
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
}
