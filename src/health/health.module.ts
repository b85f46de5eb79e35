import { Global, Module } from '@nestjs/common';
import { DependencyHealth } from './dependency-health';
import { Drain } from './drain';
import { HealthController } from './health.controller';

@Global()
@Module({ controllers: [HealthController], providers: [DependencyHealth, Drain], exports: [Drain] })
export class HealthModule {}
