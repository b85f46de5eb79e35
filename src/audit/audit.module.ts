import { Module } from '@nestjs/common';
import { AdminAuditLogController } from './admin-audit-log.controller';
import { AuditEventsRepository } from './audit-events.repository';
import { AuditLogController } from './audit-log.controller';
import { AuditLogService } from './audit-log.service';
import { AuditService } from './audit.service';
import { RefusalTally } from './refusal-tally';
import { TokenIssuanceLog } from './token-issuance-log';
import { TokenIssuancesRepository } from './token-issuances.repository';

@Module({
  controllers: [AuditLogController, AdminAuditLogController],
  providers: [AuditService, AuditEventsRepository, AuditLogService, TokenIssuancesRepository, TokenIssuanceLog, RefusalTally],
  exports: [AuditService, TokenIssuancesRepository, TokenIssuanceLog, RefusalTally],
})
export class AuditModule {}
