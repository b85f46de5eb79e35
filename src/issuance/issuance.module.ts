import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { EndpointsModule } from '../endpoints/endpoints.module';
import { ProviderAccountsModule } from '../provider-accounts/provider-accounts.module';
import { ProvidersModule } from '../providers/providers.module';
import { IssuanceService } from './issuance.service';
import { ProviderSessionsRepository } from './provider-sessions.repository';
import { TokensController } from './tokens.controller';

@Module({
  imports: [AuditModule, EndpointsModule, ProviderAccountsModule, ProvidersModule],
  controllers: [TokensController],
  providers: [IssuanceService, ProviderSessionsRepository],
  exports: [ProviderSessionsRepository],
})
export class IssuanceModule {}
