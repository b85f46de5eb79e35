import { Module } from '@nestjs/common';
import { TenantsModule } from '../tenants/tenants.module';
import { ClientOriginsService } from './client-origins.service';

/** Each tenant's allowed browser origins, for CORS and for the routes that browsers call. */
@Module({
  imports: [TenantsModule],
  providers: [ClientOriginsService],
  exports: [ClientOriginsService],
})
export class OriginsModule {}
