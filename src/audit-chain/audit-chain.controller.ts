import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { TenantOnly } from '../auth/decorators/access.decorator';
import { CurrentActor } from '../auth/decorators/current-actor.decorator';
import { TenantActor } from '../auth/principal';
import { TenantChainVerification, TenantChainVerificationService } from './tenant-chain-verification.service';

/** A tenant checks its own chains: the audit log's and the token log's. */
@ApiTags('audit')
@ApiBearerAuth()
@TenantOnly()
@Controller({ path: 'audit', version: '1' })
export class AuditChainController {
  constructor(private readonly verification: TenantChainVerificationService) {}

  /** Walks the hash chains of your audit and token logs and names the first broken link (at most once a minute). */
  @Get('verify')
  verify(@CurrentActor() actor: TenantActor): Promise<TenantChainVerification> {
    return this.verification.verify(actor.principal.tenantId);
  }
}
