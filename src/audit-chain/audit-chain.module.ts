import { Module } from '@nestjs/common';
import { AdminAuditChainController } from './admin-audit-chain.controller';
import { ChainAnchor } from './chain-anchor';
import { ChainVerifier } from './chain-verifier';

/** The tamper-evident chains of both logs: verification, heads and their anchoring. */
@Module({
  controllers: [AdminAuditChainController],
  providers: [ChainVerifier, ChainAnchor],
  exports: [ChainVerifier],
})
export class AuditChainModule {}
