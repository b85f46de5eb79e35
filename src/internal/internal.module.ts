import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { TokenLogModule } from '../token-log/token-log.module';
import { EndUsersModule } from '../end-users/end-users.module';
import { EndpointsModule } from '../endpoints/endpoints.module';
import { IssuanceModule } from '../issuance/issuance.module';
import { TenantsModule } from '../tenants/tenants.module';
import { InternalController } from './internal.controller';
import { InternalService } from './internal.service';

@Module({
  imports: [AuditModule, TokenLogModule, EndpointsModule, TenantsModule, IssuanceModule, EndUsersModule],
  controllers: [InternalController],
  providers: [InternalService],
})
export class InternalModule {}
