import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiPage } from '../api-docs/api-page.decorator';
import { AuditEventResponse } from './audit-event.response';
import { TokenIssuanceResponse } from './token-issuance.response';
import { TenantOnly } from '../auth/decorators/access.decorator';
import { CurrentActor } from '../auth/decorators/current-actor.decorator';
import { TenantActor } from '../auth/principal';
import { AuditLogService } from './audit-log.service';
import { ListAuditEventsQueryDto } from './dto/list-audit-events-query.dto';
import { ListTokenIssuancesQueryDto } from './dto/list-token-issuances-query.dto';

/** A tenant reads its own logs. */
@ApiTags('audit')
@ApiBearerAuth()
@TenantOnly()
@Controller({ version: '1' })
export class AuditLogController {
  constructor(private readonly auditLog: AuditLogService) {}

  /** Every token issued or refused for this tenant, newest first. */
  @Get('token-issuances')
  @ApiPage(TokenIssuanceResponse, 'A page of the token log')
  listIssuances(@CurrentActor() actor: TenantActor, @Query() query: ListTokenIssuancesQueryDto) {
    return this.auditLog.listIssuances(actor.principal.tenantId, query);
  }

  /** Every change made to this tenant's configuration, newest first. */
  @Get('audit-events')
  @ApiPage(AuditEventResponse, 'A page of the audit log')
  listEvents(@CurrentActor() actor: TenantActor, @Query() query: ListAuditEventsQueryDto) {
    return this.auditLog.listEvents(actor.principal.tenantId, query);
  }
}
