import { Injectable } from '@nestjs/common';
import { RefusalTallyService } from '../token-log/refusal-tally';
import { refusalOutcome } from '../token-log/token-issuance-log';
import { AppError } from '../common/errors/app-error';
import { isUuid } from '../common/ids';
import { IssuanceService } from '../issuance/issuance.service';
import { IssuanceTarget, IssuanceTargetsRepository } from '../issuance/issuance-targets.repository';
import { IssuedTokenResponse } from '../issuance/issued-token.response';
import { clientAddressKey } from '../rate-limits/client-address';
import { RateLimitsService } from '../rate-limits/rate-limits';
import { isAllowedOrigin } from '../origins/allowed-origins';
import { originsErrors } from '../origins/origins.errors';
import { signalwireErrors } from '../providers/signalwire/signalwire.errors';

/** Per client address (an IPv4 address or IPv6 /64) across all embeds, per visitor (account and address), and per account, each minute. */
const PER_IP_PER_MINUTE = 60;
const PER_VISITOR_PER_MINUTE = 10;
const PER_ACCOUNT_PER_MINUTE = 600;

export interface EmbedCaller {
  accountId: string;
  origin?: string;
  clientIp: string;
  requestId: string;
}

/**
 * Click-to-call widgets on a tenant's public pages get a guest SAT here, without any key: the c2c token stays
 * server-side, the page's Origin must be one the tenant allows, and visitors are rate limited. Past those checks the
 * token is minted by the issuing pipeline like any other (policy, audit row); refusals before them are counted per
 * minute (RefusalTallyService), so anonymous callers cannot grow the token log without bound.
 */
@Injectable()
export class SignalwireEmbedsService {
  constructor(
    private readonly targets: IssuanceTargetsRepository,
    private readonly issuance: IssuanceService,
    private readonly limits: RateLimitsService,
    private readonly tally: RefusalTallyService,
  ) {}

  /** The origin, if the account's tenant allows it (for CORS preflight). */
  async allowedOrigin(accountId: string, origin: string | undefined): Promise<string | undefined> {
    const target = await this.find(accountId);
    return target && isAllowedOrigin(target.tenant.settings, origin) ? origin : undefined;
  }

  async exchange(caller: EmbedCaller): Promise<IssuedTokenResponse> {
    const target = await this.admit(caller);
    const issuanceCaller = { ...caller, tenantId: target.tenant.id, actorKind: 'public_embed' };
    return this.issuance.issueForAccount(issuanceCaller, target, { kind: 'embed' }).catch((error: unknown) => {
      // An anonymous caller learns that the provider failed, not how; the token log keeps the details.
      throw error instanceof AppError && error.code.startsWith('provider_') ? new AppError(error.code, error.status, error.message) : error;
    });
  }

  /**
   * The checks an anonymous caller can fail at will: rate limits, unknown or unavailable embeds, a forged Origin.
   * The per-IP count comes first and is keyed only by what the caller cannot vary freely; account keys are counted
   * only for accounts that exist, so sprayed ids cannot fill the limiter.
   */
  private async admit(caller: EmbedCaller): Promise<IssuanceTarget> {
    let tenantId: string | undefined;
    try {
      const address = clientAddressKey(caller.clientIp);
      await this.limits.consume([{ name: 'address', key: `embed-ip:${address}`, perMinute: PER_IP_PER_MINUTE }]);
      const target = await this.find(caller.accountId);
      if (!target) throw signalwireErrors.embed_not_found();
      tenantId = target.tenant.id;
      await this.limits.consume([
        { name: 'visitor', key: `embed:${target.account.id}:${address}`, perMinute: PER_VISITOR_PER_MINUTE },
        { name: 'account', key: `embed:${target.account.id}`, perMinute: PER_ACCOUNT_PER_MINUTE },
      ]);
      if (!isAllowedOrigin(target.tenant.settings, caller.origin)) throw originsErrors.origin_not_allowed();
      // A public caller learns nothing about the tenant's state: suspended and disabled look like "no embed here".
      if (target.tenant.status !== 'active' || target.account.status !== 'active') throw signalwireErrors.embed_not_found();
      return target;
    } catch (error) {
      this.tally.count({ tenantId, actorKind: 'public_embed', errorCode: refusalOutcome(error).errorCode });
      throw error;
    }
  }

  private async find(accountId: string): Promise<IssuanceTarget | undefined> {
    const target = isUuid(accountId) ? await this.targets.accountOfAnyTenant(accountId) : undefined;
    return target?.account.provider === 'signalwire' ? target : undefined;
  }
}
