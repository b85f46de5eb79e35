import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ProviderAccountsModule } from '../provider-accounts/provider-accounts.module';
import { KeyRotationController } from './key-rotation.controller';
import { KeyRotationService } from './key-rotation.service';

@Module({
  imports: [AuditModule, ProviderAccountsModule],
  controllers: [KeyRotationController],
  providers: [KeyRotationService],
  exports: [KeyRotationService],
})
export class KeyRotationModule {}
