import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AuditStreamingModule } from '../audit-streaming/audit-streaming.module';
import { EndUsersModule } from '../end-users/end-users.module';
import { IssuanceModule } from '../issuance/issuance.module';
import { ProviderAccountsModule } from '../provider-accounts/provider-accounts.module';
import { KeyRotationController } from './key-rotation.controller';
import { KeyRotationService } from './key-rotation.service';

@Module({
  imports: [AuditModule, ProviderAccountsModule, IssuanceModule, EndUsersModule, AuditStreamingModule],
  controllers: [KeyRotationController],
  providers: [KeyRotationService],
  exports: [KeyRotationService],
})
export class KeyRotationModule {}
