import { Module } from '@nestjs/common';
import { AdminAuditChainController } from './admin-audit-chain.controller';
import { AuditChainController } from './audit-chain.controller';
import { ChainAnchorService } from './chain-anchor';
import { ChainVerifierService } from './chain-verifier';
import { TenantChainVerificationService } from './tenant-chain-verification.service';

/** The tamper-evident chains of both logs: verification, heads and their anchoring. */
@Module({
  controllers: [AdminAuditChainController, AuditChainController],
  providers: [ChainVerifierService, ChainAnchorService, TenantChainVerificationService],
  exports: [ChainVerifierService],
})
export class AuditChainModule {}
