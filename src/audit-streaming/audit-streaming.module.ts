import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { TenantsModule } from '../tenants/tenants.module';
import { AdminAuditSinksController } from './admin-audit-sinks.controller';
import { AuditSinksController } from './audit-sinks.controller';
import { AuditSinksRepository } from './audit-sinks.repository';
import { AuditSinksService } from './audit-sinks.service';
import { CheckpointKeysController } from './checkpoint-keys.controller';
import { CheckpointSigner } from './checkpoint-signer';
import { SinkDeliveriesRepository } from './sink-deliveries.repository';
import { SinkDeliveryService } from './sink-delivery.service';
import { ObjectStorageTransport } from './transports/object-storage-transport';
import { SinkTransports } from './transports/sink-transports';
import { SyslogTransport } from './transports/syslog-transport';
import { WebhookTransport } from './transports/webhook-transport';

/** Each tenant's logs delivered to its own systems, in chain order, with signed checkpoints (docs/audit-streaming.md). */
@Module({
  imports: [AuditModule, TenantsModule],
  controllers: [AuditSinksController, AdminAuditSinksController, CheckpointKeysController],
  providers: [
    AuditSinksRepository,
    AuditSinksService,
    CheckpointSigner,
    SinkDeliveriesRepository,
    SinkDeliveryService,
    SinkTransports,
    WebhookTransport,
    SyslogTransport,
    ObjectStorageTransport,
  ],
  exports: [AuditSinksRepository],
})
export class AuditStreamingModule {}
