import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../auth/decorators/access.decorator';
import { ChainAnchorService } from './chain-anchor';
import { ChainVerifierService } from './chain-verifier';
import { ChainHeadsResponse, ChainVerification } from './chain.responses';
import { VerifyChainsQueryDto } from './verify-chains-query.dto';

/** Admins check the audit chains and read their heads (to keep them outside the database). */
@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@Controller({ path: 'admin/audit', version: '1' })
export class AdminAuditChainController {
  constructor(
    private readonly verifier: ChainVerifierService,
    private readonly anchor: ChainAnchorService,
  ) {}

  /** Walks the hash chains of both logs (every tenant's, or one) and names the first broken link. */
  @Get('verify')
  verify(@Query() query: VerifyChainsQueryDto): Promise<ChainVerification> {
    return this.verifier.verify(query.tenantId);
  }

  /** The head of every chain: its last position and hash. */
  @Get('heads')
  async heads(): Promise<ChainHeadsResponse> {
    return { data: await this.anchor.heads() };
  }
}
