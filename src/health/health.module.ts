import { Global, Module } from '@nestjs/common';
import { DependencyHealthService } from './dependency-health';
import { DrainService } from './drain';
import { HealthController } from './health.controller';

@Global()
@Module({ controllers: [HealthController], providers: [DependencyHealthService, DrainService], exports: [DrainService] })
export class HealthModule {}
