import { Module } from '@nestjs/common';
import { AdminAuditEventsController } from './admin-audit-events.controller';
import { AuditEventsController } from './audit-events.controller';
import { AuditEventsRepository } from './audit-events.repository';
import { AuditEventsService } from './audit-events.service';
import { AuditService } from './audit.service';

/** The audit log: every administrative and tenant change, recorded in the change's own transaction, and read back. */
@Module({
  controllers: [AuditEventsController, AdminAuditEventsController],
  providers: [AuditService, AuditEventsRepository, AuditEventsService],
  exports: [AuditService],
})
export class AuditModule {}
