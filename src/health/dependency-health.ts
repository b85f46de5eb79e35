import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { PrismaService } from '../database/prisma.service';
import { MetricsService } from '../metrics/metrics';
import { REDIS_CLIENT, redisAnswers } from '../redis/redis-client';

/** A probe that has not answered in this long counts as down: a readiness probe must answer quickly itself. */
const PROBE_TIMEOUT_MS = 1000;

export interface DependencyStates {
  database: boolean;
  /** Undefined without REDIS_URL. */
  redis?: boolean;
}

/** Whether the database and Redis answer, for readiness and for the `callpass_dependency_up` metric. */
@Injectable()
export class DependencyHealthService implements OnModuleInit {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(REDIS_CLIENT) private readonly redis: Redis | undefined,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.metrics.probe('database', () => this.database());
    this.metrics.probe('redis', () => this.redisState());
  }

  async check(): Promise<DependencyStates> {
    const [database, redis] = await Promise.all([this.database(), this.redisState()]);
    return { database, redis };
  }

  private database(): Promise<boolean> {
    return withinTimeout(this.prisma.isReachable());
  }

  private async redisState(): Promise<boolean | undefined> {
    return this.redis ? withinTimeout(redisAnswers(this.redis)) : undefined;
  }
}

function withinTimeout(probe: Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS)));
  return Promise.race([probe, late]).finally(() => clearTimeout(timer));
}
