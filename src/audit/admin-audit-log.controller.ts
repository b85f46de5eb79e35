import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../auth/decorators/access.decorator';
import { AuditLogService } from './audit-log.service';
import { AdminListAuditEventsQueryDto } from './dto/admin-list-audit-events-query.dto';
import { AdminListTokenIssuancesQueryDto } from './dto/admin-list-token-issuances-query.dto';

/** Admins read both logs across tenants. */
@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@Controller({ path: 'admin', version: '1' })
export class AdminAuditLogController {
  constructor(private readonly auditLog: AuditLogService) {}

  @Get('audit-events')
  listEvents(@Query() query: AdminListAuditEventsQueryDto) {
    const { tenantId, ...filter } = query;
    return this.auditLog.listEvents(tenantId, filter);
  }

  @Get('token-issuances')
  listIssuances(@Query() query: AdminListTokenIssuancesQueryDto) {
    const { tenantId, ...filter } = query;
    return this.auditLog.listIssuances(tenantId, filter);
  }
}
