import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { AuditModule } from '../audit/audit.module';
import { EndpointsModule } from '../endpoints/endpoints.module';
import { ProviderAccountsModule } from '../provider-accounts/provider-accounts.module';
import { ProvidersModule } from '../providers/providers.module';
import { IssuanceService } from './issuance.service';
import { ProviderSessionsRepository } from './provider-sessions.repository';
import { TokenRouteRefusals } from './token-route-refusals';
import { TokensController } from './tokens.controller';

@Module({
  imports: [ApiKeysModule, AuditModule, EndpointsModule, ProviderAccountsModule, ProvidersModule],
  controllers: [TokensController],
  providers: [IssuanceService, ProviderSessionsRepository, TokenRouteRefusals],
  exports: [ProviderSessionsRepository],
})
export class IssuanceModule {}
