import { Controller, Get, HttpCode, HttpStatus, Res, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/decorators/access.decorator';
import { DependencyHealthService } from './dependency-health';
import { DrainService } from './drain';
import { LiveResponse, ReadyResponse } from './health.responses';

@ApiTags('health')
@Public()
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController {
  constructor(
    private readonly dependencies: DependencyHealthService,
    private readonly drain: DrainService,
  ) {}

  /** The process is up. */
  @Get('live')
  @HttpCode(HttpStatus.OK)
  live(): LiveResponse {
    return { status: 'ok' };
  }

  /**
   * The process can serve: its database answers and it is not shutting down (503 otherwise, so that a load balancer
   * stops sending traffic). Redis down is `degraded`, not a failure: every replica then counts limits and fetches
   * Bandwidth tokens on its own until Redis is back.
   */
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadyResponse> {
    const { database, redis } = await this.dependencies.check();
    const checks: ReadyResponse['checks'] = {
      database: database ? 'ok' : 'unreachable',
      redis: redis === undefined ? 'not_configured' : redis ? 'ok' : 'unreachable',
    };
    if (this.drain.draining) checks.shutdown = 'draining';
    const status = this.drain.draining || !database ? 'unavailable' : redis === false ? 'degraded' : 'ok';
    if (status === 'unavailable') reply.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status, checks };
  }
}
