import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { EndpointsModule } from '../endpoints/endpoints.module';
import { IssuanceModule } from '../issuance/issuance.module';
import { ProviderAccountsModule } from '../provider-accounts/provider-accounts.module';
import { TenantsModule } from '../tenants/tenants.module';
import { EndUserAuthController } from './end-user-auth.controller';
import { EndUserAuthService } from './end-user-auth.service';
import { EndUserAuthenticatorService } from './end-user-authenticator.service';
import { EndUserIssuersRepository } from './end-user-issuers.repository';
import { EndUserJwksStatusRepository } from './end-user-jwks-status.repository';
import { EndUserRevocationsRepository } from './end-user-revocations.repository';
import { EndUserSessionsRepository } from './end-user-sessions.repository';
import { EndUserTokenTestsService } from './end-user-token-tests.service';
import { IdentityTokenVerifierService } from './identity-token-verifier';
import { JwksCacheService } from './jwks-cache.service';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';
import { UserRevocationService } from './user-revocation.service';
import { UsersController } from './users.controller';

/** How a tenant's end users are recognised (identity providers, sessions), and signing them out. */
@Module({
  imports: [AuditModule, EndpointsModule, TenantsModule, ProviderAccountsModule, IssuanceModule],
  controllers: [EndUserAuthController, SessionsController, UsersController],
  providers: [
    EndUserAuthService,
    EndUserAuthenticatorService,
    EndUserTokenTestsService,
    IdentityTokenVerifierService,
    JwksCacheService,
    SessionsService,
    UserRevocationService,
    EndUserIssuersRepository,
    EndUserSessionsRepository,
    EndUserRevocationsRepository,
    EndUserJwksStatusRepository,
  ],
  exports: [EndUserAuthenticatorService, UserRevocationService, EndUserIssuersRepository],
})
export class EndUsersModule {}
