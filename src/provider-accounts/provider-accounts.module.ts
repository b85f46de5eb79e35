import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ProvidersModule } from '../providers/providers.module';
import { ProviderAccountsController } from './provider-accounts.controller';
import { ProviderAccountsRepository } from './provider-accounts.repository';
import { ProviderAccountsService } from './provider-accounts.service';

@Module({
  imports: [AuditModule, ProvidersModule],
  controllers: [ProviderAccountsController],
  providers: [ProviderAccountsRepository, ProviderAccountsService],
  exports: [ProviderAccountsService, ProviderAccountsRepository],
})
export class ProviderAccountsModule {}
