import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { Clock } from '../common/clock/clock';
import { ChainVerifierService } from './chain-verifier';
import { ChainVerification } from './chain.responses';

/** How long a tenant's last walk answers for it: a walk reads every row of both logs, so it is not done on every ask. */
const REUSED_FOR_MS = 60_000;

export class TenantChainVerification extends ChainVerification {
  /** When the walk that found this began; a later ask within a minute is answered with the same walk. */
  verifiedAt: Date;
}

/** A tenant's own chains, walked at most once a minute per replica, however often it asks (and asks at once). */
@Injectable()
export class TenantChainVerificationService {
  private readonly walks = new LRUCache<string, { at: Date; walk: Promise<ChainVerification> }>({ max: 10_000 });

  constructor(
    private readonly verifier: ChainVerifierService,
    private readonly clock: Clock,
  ) {}

  async verify(tenantId: string): Promise<TenantChainVerification> {
    const now = this.clock.now();
    let kept = this.walks.get(tenantId);
    if (!kept || now.getTime() - kept.at.getTime() >= REUSED_FOR_MS) {
      kept = { at: now, walk: this.verifier.verify(tenantId) };
      this.walks.set(tenantId, kept);
      const started = kept;
      // A walk that failed (the database, say) is not kept as the answer.
      started.walk.catch(() => this.walks.get(tenantId) === started && this.walks.delete(tenantId));
    }
    return { ...(await kept.walk), verifiedAt: kept.at };
  }
}
