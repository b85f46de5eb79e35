import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ProviderAccountsModule } from '../provider-accounts/provider-accounts.module';
import { ProvidersModule } from '../providers/providers.module';
import { EndpointsController } from './endpoints.controller';
import { EndpointsRepository } from './endpoints.repository';
import { EndpointsService } from './endpoints.service';

@Module({
  imports: [AuditModule, ProviderAccountsModule, ProvidersModule],
  controllers: [EndpointsController],
  providers: [EndpointsRepository, EndpointsService],
  exports: [EndpointsService, EndpointsRepository],
})
export class EndpointsModule {}
