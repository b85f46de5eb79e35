import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { TenantsController } from './tenants.controller';
import { TenantsRepository } from './tenants.repository';
import { TenantsService } from './tenants.service';
import { TenantsBySlug } from './tenants-by-slug';

@Module({
  imports: [AuditModule],
  controllers: [TenantsController],
  providers: [TenantsRepository, TenantsService, TenantsBySlug],
  exports: [TenantsService, TenantsRepository, TenantsBySlug],
})
export class TenantsModule {}
