import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { TenantsModule } from '../tenants/tenants.module';
import { AdminAuditSinksController } from './admin-audit-sinks.controller';
import { AuditSinksController } from './audit-sinks.controller';
import { AuditSinksRepository } from './audit-sinks.repository';
import { AuditSinksService } from './audit-sinks.service';
import { CheckpointKeysController } from './checkpoint-keys.controller';
import { CheckpointSigningService } from './checkpoint-signing.service';
import { DeliverySchedulerService } from './delivery-thread/delivery-scheduler.service';
import { SinkDeliveriesRepository } from './sink-deliveries.repository';
import { SinkDeliveryService } from './sink-delivery.service';
import { ObjectStorageSinkAdapter } from './sink-adapters/object-storage-sink.adapter';
import { SinkAdapterRegistry } from './sink-adapters/sink-adapter-registry';
import { SyslogSinkAdapter } from './sink-adapters/syslog-sink.adapter';
import { WebhookSinkAdapter } from './sink-adapters/webhook-sink.adapter';

/** Each tenant's logs delivered to its own systems, in chain order, with signed checkpoints (docs/audit-streaming.md). */
@Module({
  imports: [AuditModule, TenantsModule],
  controllers: [AuditSinksController, AdminAuditSinksController, CheckpointKeysController],
  providers: [
    AuditSinksRepository,
    AuditSinksService,
    CheckpointSigningService,
    SinkDeliveriesRepository,
    SinkDeliveryService,
    DeliverySchedulerService,
    SinkAdapterRegistry,
    WebhookSinkAdapter,
    SyslogSinkAdapter,
    ObjectStorageSinkAdapter,
  ],
  exports: [AuditSinksRepository],
})
export class AuditStreamingModule {}
