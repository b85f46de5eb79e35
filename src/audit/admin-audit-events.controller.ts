import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiPage } from '../api-docs/api-page.decorator';
import { AdminOnly } from '../auth/decorators/access.decorator';
import { AuditEventResponse } from './audit-event.response';
import { AuditEventsService } from './audit-events.service';
import { AdminListAuditEventsQueryDto } from './dto/admin-list-audit-events-query.dto';

/** Admins read the audit log across tenants. */
@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@Controller({ path: 'admin/audit-events', version: '1' })
export class AdminAuditEventsController {
  constructor(private readonly auditEvents: AuditEventsService) {}

  /** Every change across tenants (or one tenant's), newest first. */
  @Get()
  @ApiPage(AuditEventResponse, 'A page of the audit log')
  list(@Query() query: AdminListAuditEventsQueryDto) {
    const { tenantId, ...filter } = query;
    return this.auditEvents.list(tenantId, filter);
  }
}
