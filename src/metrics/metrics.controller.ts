import { Controller, Get, Header, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ServiceOnly } from '../auth/decorators/access.decorator';
import { MetricsService } from './metrics';

/** Prometheus metrics on the API port, for a scraper holding a service key with `metrics:read` (or see METRICS_PORT). */
@ApiExcludeController()
@ServiceOnly('metrics:read')
@Controller({ path: 'metrics', version: VERSION_NEUTRAL })
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
