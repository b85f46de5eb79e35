import { Module } from '@nestjs/common';
import { IssuanceModule } from '../issuance/issuance.module';
import { TenantsModule } from '../tenants/tenants.module';
import { ClientOrigins } from './client-origins.service';
import { ClientTokensController } from './client-tokens.controller';

/** The browser-facing routes, `/v1/client/:tenantSlug/…`, with per-tenant CORS. */
@Module({
  imports: [IssuanceModule, TenantsModule],
  controllers: [ClientTokensController],
  providers: [ClientOrigins],
  exports: [ClientOrigins],
})
export class ClientModule {}
