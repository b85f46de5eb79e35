import { Global, Module } from '@nestjs/common';
import { MetricsService } from './metrics';
import { MetricsController } from './metrics.controller';
import { MetricsListenerService } from './metrics-listener';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, MetricsListenerService],
  exports: [MetricsService],
})
export class MetricsModule {}
