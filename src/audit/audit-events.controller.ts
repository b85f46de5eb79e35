import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiPage } from '../api-docs/api-page.decorator';
import { TenantOnly } from '../auth/decorators/access.decorator';
import { CurrentActor } from '../auth/decorators/current-actor.decorator';
import { TenantActor } from '../auth/principal';
import { AuditEventResponse } from './audit-event.response';
import { AuditEventsService } from './audit-events.service';
import { ListAuditEventsQueryDto } from './dto/list-audit-events-query.dto';

/** A tenant reads its own audit log. */
@ApiTags('audit')
@ApiBearerAuth()
@TenantOnly()
@Controller({ path: 'audit-events', version: '1' })
export class AuditEventsController {
  constructor(private readonly auditEvents: AuditEventsService) {}

  /** Every change made to this tenant's configuration, newest first. */
  @Get()
  @ApiPage(AuditEventResponse, 'A page of the audit log')
  list(@CurrentActor() actor: TenantActor, @Query() query: ListAuditEventsQueryDto) {
    return this.auditEvents.list(actor.principal.tenantId, query);
  }
}
