import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { ClientModule } from '../client/client.module';
import { EndUsersModule } from '../end-users/end-users.module';
import { AuthenticationGuard } from './guards/authentication.guard';
import { AuthorizationGuard } from './guards/authorization.guard';
import { ApiKeyStrategy } from './strategies/api-key.strategy';
import { EndUserSessionStrategy } from './strategies/end-user-session.strategy';
import { IdentityProviderStrategy } from './strategies/identity-provider.strategy';

@Module({
  imports: [PassportModule, ApiKeysModule, EndUsersModule, ClientModule],
  providers: [
    ApiKeyStrategy,
    IdentityProviderStrategy,
    EndUserSessionStrategy,
    { provide: APP_GUARD, useClass: AuthenticationGuard },
    { provide: APP_GUARD, useClass: AuthorizationGuard },
  ],
})
export class AuthModule {}
