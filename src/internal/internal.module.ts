import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { EndpointsModule } from '../endpoints/endpoints.module';
import { TenantsModule } from '../tenants/tenants.module';
import { InternalController } from './internal.controller';
import { InternalService } from './internal.service';

@Module({
  imports: [AuditModule, EndpointsModule, TenantsModule],
  controllers: [InternalController],
  providers: [InternalService],
})
export class InternalModule {}
