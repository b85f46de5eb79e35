import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { TenantsModule } from '../tenants/tenants.module';
import { AdminBootstrapService } from './admin-bootstrap.service';
import { AdminKeysController } from './admin-keys.controller';
import { AdminServiceKeysController } from './admin-service-keys.controller';
import { AdminTenantKeysController } from './admin-tenant-keys.controller';
import { ApiKeyAuthenticatorService } from './api-key-authenticator.service';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { TenantKeysController } from './tenant-keys.controller';

@Module({
  imports: [AuditModule, TenantsModule],
  controllers: [TenantKeysController, AdminTenantKeysController, AdminServiceKeysController, AdminKeysController],
  providers: [ApiKeysRepository, ApiKeysService, ApiKeyAuthenticatorService, AdminBootstrapService],
  exports: [ApiKeyAuthenticatorService, AdminBootstrapService],
})
export class ApiKeysModule {}
