import { Controller, Get, HttpCode, HttpStatus, Res, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/decorators/access.decorator';
import { PrismaService } from '../database/prisma.service';
import { LiveResponse, ReadyResponse } from './health.responses';

@ApiTags('health')
@Public()
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController {
  constructor(private readonly prisma: PrismaService) {}

  /** The process is up. */
  @Get('live')
  @HttpCode(HttpStatus.OK)
  live(): LiveResponse {
    return { status: 'ok' };
  }

  /** The process can serve: its database answers. 503 otherwise, so a load balancer stops sending traffic. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadyResponse> {
    const database = await this.prisma.isReachable();
    if (!database) reply.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: database ? 'ok' : 'unavailable', checks: { database: database ? 'ok' : 'unreachable' } };
  }
}
