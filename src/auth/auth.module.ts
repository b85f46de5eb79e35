import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { ConsoleModule } from '../console/console.module';
import { OriginsModule } from '../origins/origins.module';
import { RateLimitGuard } from '../rate-limits/rate-limit.guard';
import { UnparsableBodyGuard } from '../common/validation/unparsable-body';
import { TenantsModule } from '../tenants/tenants.module';
import { EndUsersModule } from '../end-users/end-users.module';
import { AuthenticationGuard } from './guards/authentication.guard';
import { AuthorizationGuard } from './guards/authorization.guard';
import { ApiKeyStrategy } from './strategies/api-key.strategy';
import { ConsoleSessionStrategy } from './strategies/console-session.strategy';
import { EndUserSessionStrategy } from './strategies/end-user-session.strategy';
import { IdentityProviderStrategy } from './strategies/identity-provider.strategy';

@Module({
  imports: [PassportModule, ApiKeysModule, ConsoleModule, EndUsersModule, OriginsModule, TenantsModule],
  providers: [
    ApiKeyStrategy,
    ConsoleSessionStrategy,
    IdentityProviderStrategy,
    EndUserSessionStrategy,
    { provide: APP_GUARD, useClass: AuthenticationGuard },
    { provide: APP_GUARD, useClass: AuthorizationGuard },
    // After the two above (global guards run in the order given): only authenticated, authorised requests count.
    { provide: APP_GUARD, useClass: RateLimitGuard },
    // Last: a body the parser refused is answered only once the caller has passed the guards above.
    { provide: APP_GUARD, useClass: UnparsableBodyGuard },
  ],
})
export class AuthModule {}
