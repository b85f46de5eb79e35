import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { OwnSettingsController } from './own-settings.controller';
import { OwnSettingsService } from './own-settings.service';
import { TenantsController } from './tenants.controller';
import { TenantsRepository } from './tenants.repository';
import { TenantsService } from './tenants.service';
import { TenantsBySlugService } from './tenants-by-slug';

@Module({
  imports: [AuditModule],
  controllers: [TenantsController, OwnSettingsController],
  providers: [TenantsRepository, TenantsService, TenantsBySlugService, OwnSettingsService],
  exports: [TenantsService, TenantsRepository, TenantsBySlugService],
})
export class TenantsModule {}
