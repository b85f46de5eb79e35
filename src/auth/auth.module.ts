import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { AuthenticationGuard } from './guards/authentication.guard';
import { AuthorizationGuard } from './guards/authorization.guard';
import { ApiKeyStrategy } from './strategies/api-key.strategy';

@Module({
  imports: [PassportModule, ApiKeysModule],
  providers: [ApiKeyStrategy, { provide: APP_GUARD, useClass: AuthenticationGuard }, { provide: APP_GUARD, useClass: AuthorizationGuard }],
})
export class AuthModule {}
