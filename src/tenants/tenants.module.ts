import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { TenantsController } from './tenants.controller';
import { TenantsRepository } from './tenants.repository';
import { TenantsService } from './tenants.service';
import { TenantsBySlugService } from './tenants-by-slug';

@Module({
  imports: [AuditModule],
  controllers: [TenantsController],
  providers: [TenantsRepository, TenantsService, TenantsBySlugService],
  exports: [TenantsService, TenantsRepository, TenantsBySlugService],
})
export class TenantsModule {}
