import { Module } from '@nestjs/common';
import { AuditModule } from '../../audit/audit.module';
import { CommonModule } from '../../common/common.module';
import { ConfigModule } from '../../config/config.module';
import { CryptoModule } from '../../crypto/crypto.module';
import { DatabaseModule } from '../../database/database.module';
import { MetricsModule } from '../../metrics/metrics.module';
import { OutboundModule } from '../../outbound/outbound.module';
import { CheckpointSigningService } from '../checkpoint-signing.service';
import { SinkDeliveriesRepository } from '../sink-deliveries.repository';
import { SinkDeliveryService } from '../sink-delivery.service';
import { ObjectStorageSinkAdapter } from '../sink-adapters/object-storage-sink.adapter';
import { SinkAdapterRegistry } from '../sink-adapters/sink-adapter-registry';
import { SyslogSinkAdapter } from '../sink-adapters/syslog-sink.adapter';
import { WebhookSinkAdapter } from '../sink-adapters/webhook-sink.adapter';

/** What the delivery thread runs: delivery and what it needs, without the HTTP service. */
@Module({
  imports: [ConfigModule, CommonModule, MetricsModule, DatabaseModule, CryptoModule, OutboundModule, AuditModule],
  providers: [
    SinkDeliveriesRepository,
    SinkDeliveryService,
    CheckpointSigningService,
    SinkAdapterRegistry,
    WebhookSinkAdapter,
    SyslogSinkAdapter,
    ObjectStorageSinkAdapter,
  ],
})
export class DeliveryThreadModule {}
