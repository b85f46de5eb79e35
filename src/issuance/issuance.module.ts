import { Module } from '@nestjs/common';
import { OverviewModule } from '../overview/overview.module';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { AuditModule } from '../audit/audit.module';
import { TokenLogModule } from '../token-log/token-log.module';
import { EndpointsModule } from '../endpoints/endpoints.module';
import { ProviderAccountsModule } from '../provider-accounts/provider-accounts.module';
import { ProvidersModule } from '../providers/providers.module';
import { TenantsModule } from '../tenants/tenants.module';
import { EndpointEnrollmentService } from './endpoint-enrollment';
import { IssuanceTargetsRepository } from './issuance-targets.repository';
import { IssuanceService } from './issuance.service';
import { ProviderSessionsRepository } from './provider-sessions.repository';
import { TokenRecorderService } from './token-recorder';
import { TokenRouteRefusalsObserver } from './token-route-refusals';
import { TokensController } from './tokens.controller';

@Module({
  imports: [
    ApiKeysModule,
    AuditModule,
    OverviewModule,
    TokenLogModule,
    EndpointsModule,
    ProviderAccountsModule,
    ProvidersModule,
    TenantsModule,
  ],
  controllers: [TokensController],
  providers: [
    IssuanceService,
    IssuanceTargetsRepository,
    TokenRecorderService,
    EndpointEnrollmentService,
    ProviderSessionsRepository,
    TokenRouteRefusalsObserver,
  ],
  exports: [IssuanceService, IssuanceTargetsRepository, ProviderSessionsRepository],
})
export class IssuanceModule {}
