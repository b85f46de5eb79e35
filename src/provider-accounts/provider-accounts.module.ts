import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ProviderHttpModule } from '../providers/http/provider-http.module';
import { ProvidersModule } from '../providers/providers.module';
import { ProviderAccountsController } from './provider-accounts.controller';
import { ProviderAccountsRepository } from './provider-accounts.repository';
import { ProviderAccountsService } from './provider-accounts.service';

@Module({
  imports: [AuditModule, ProvidersModule, ProviderHttpModule],
  controllers: [ProviderAccountsController],
  providers: [ProviderAccountsRepository, ProviderAccountsService],
  exports: [ProviderAccountsService, ProviderAccountsRepository],
})
export class ProviderAccountsModule {}
