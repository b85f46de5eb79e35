import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiPage } from '../api-docs/api-page.decorator';
import { AuditEventResponse } from './audit-event.response';
import { TokenIssuanceResponse } from './token-issuance.response';
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

  /** Every change across tenants (or one tenant's), newest first. */
  @Get('audit-events')
  @ApiPage(AuditEventResponse, 'A page of the audit log')
  listEvents(@Query() query: AdminListAuditEventsQueryDto) {
    const { tenantId, ...filter } = query;
    return this.auditLog.listEvents(tenantId, filter);
  }

  /** Every token issued or refused across tenants (or one tenant's), newest first. */
  @Get('token-issuances')
  @ApiPage(TokenIssuanceResponse, 'A page of the token log')
  listIssuances(@Query() query: AdminListTokenIssuancesQueryDto) {
    const { tenantId, ...filter } = query;
    return this.auditLog.listIssuances(tenantId, filter);
  }
}
