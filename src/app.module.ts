import { Module } from '@nestjs/common';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuditChainModule } from './audit-chain/audit-chain.module';
import { AuditStreamingModule } from './audit-streaming/audit-streaming.module';
import { AuditModule } from './audit/audit.module';
import { TokenLogModule } from './token-log/token-log.module';
import { AuthModule } from './auth/auth.module';
import { BrowserRoutesModule } from './browser-routes/browser-routes.module';
import { CommonModule } from './common/common.module';
import { ConsoleModule } from './console/console.module';
import { ConfigModule } from './config/config.module';
import { CryptoModule } from './crypto/crypto.module';
import { DatabaseModule } from './database/database.module';
import { EndUsersModule } from './end-users/end-users.module';
import { EndpointsModule } from './endpoints/endpoints.module';
import { HealthModule } from './health/health.module';
import { BrowserClientHostingModule } from './browser-client-hosting/browser-client-hosting.module';
import { InternalModule } from './internal/internal.module';
import { IssuanceModule } from './issuance/issuance.module';
import { KeyRotationModule } from './key-rotation/key-rotation.module';
import { MetricsModule } from './metrics/metrics.module';
import { OutboundModule } from './outbound/outbound.module';
import { ProviderAccountsModule } from './provider-accounts/provider-accounts.module';
import { RateLimitsModule } from './rate-limits/rate-limits.module';
import { RedisModule } from './redis/redis.module';
import { TenantsModule } from './tenants/tenants.module';

@Module({
  imports: [
    ConfigModule,
    CommonModule,
    MetricsModule,
    DatabaseModule,
    CryptoModule,
    OutboundModule,
    RedisModule,
    RateLimitsModule,
    AuthModule,
    AuditModule,
    TokenLogModule,
    AuditChainModule,
    TenantsModule,
    ApiKeysModule,
    ProviderAccountsModule,
    EndpointsModule,
    IssuanceModule,
    EndUsersModule,
    BrowserRoutesModule,
    BrowserClientHostingModule,
    KeyRotationModule,
    AuditStreamingModule,
    ConsoleModule,
    InternalModule,
    HealthModule,
  ],
})
export class AppModule {}
