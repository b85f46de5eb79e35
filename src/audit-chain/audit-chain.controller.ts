import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { TenantOnly } from '../auth/decorators/access.decorator';
import { CurrentActor } from '../auth/decorators/current-actor.decorator';
import { TenantActor } from '../auth/principal';
import { ChainVerifierService } from './chain-verifier';
import { ChainVerification } from './chain.responses';

/** A tenant checks its own chains: the audit log's and the token log's. */
@ApiTags('audit')
@ApiBearerAuth()
@TenantOnly()
@Controller({ path: 'audit', version: '1' })
export class AuditChainController {
  /** Walks in progress, by tenant: a second request while one runs waits for its answer instead of walking again. */
  private readonly walking = new Map<string, Promise<ChainVerification>>();

  constructor(private readonly verifier: ChainVerifierService) {}

  /** Walks the hash chains of your audit and token logs and names the first broken link. */
  @Get('verify')
  verify(@CurrentActor() actor: TenantActor): Promise<ChainVerification> {
    const tenantId = actor.principal.tenantId;
    let walk = this.walking.get(tenantId);
    if (!walk) {
      walk = this.verifier.verify(tenantId).finally(() => this.walking.delete(tenantId));
      this.walking.set(tenantId, walk);
    }
    return walk;
  }
}
