import { Injectable } from '@nestjs/common';
import { RefusalTally } from '../../audit/refusal-tally';
import { refusalOutcome, TokenIssuanceLog, TokenIssuanceRecord } from '../../audit/token-issuance-log';
import { AppError } from '../../common/errors/app-error';
import { commonErrors } from '../../common/errors/common.errors';
import { Clock } from '../../common/clock/clock';
import { isUuid, uuidv7 } from '../../common/ids';
import { RateLimiter } from '../../common/rate-limit/rate-limiter';
import { SecretBox } from '../../crypto/secret-box';
import { refreshAfter } from '../../issuance/token-policy';
import { openAccount } from '../../provider-accounts/provider-secrets';
import { TenantSettingsDto } from '../../tenants/dto/tenant-settings.dto';
import { tokenFingerprint } from '../jwt';
import { AccountContext } from '../provider-adapter';
import { SignalwireConfigDto } from './signalwire-config.dto';
import { SignalwireEmbedsRepository } from './signalwire-embeds.repository';
import { SignalwireSecretsDto } from './signalwire-secrets.dto';
import { SignalwireAdapter } from './signalwire.adapter';
import { signalwireErrors } from './signalwire.errors';

/** Per client IP across all embeds, per visitor (account and client IP), and per account, each minute. */
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
 * server-side, the page's Origin must be one the tenant allows, and visitors are rate limited. Every exchange,
 * given or refused, is in the token log (refusals before the rate limits pass are counted per minute).
 */
@Injectable()
export class SignalwireEmbedsService {
  constructor(
    private readonly accounts: SignalwireEmbedsRepository,
    private readonly adapter: SignalwireAdapter,
    private readonly secretBox: SecretBox,
    private readonly limiter: RateLimiter,
    private readonly log: TokenIssuanceLog,
    private readonly tally: RefusalTally,
    private readonly clock: Clock,
  ) {}

  /** The origin, if the account's tenant allows it (for CORS preflight). */
  async allowedOrigin(accountId: string, origin: string | undefined): Promise<string | undefined> {
    const account = isUuid(accountId) ? await this.accounts.findAccountWithTenant(accountId) : null;
    return account && origin && originsOf(account.tenant.settings).includes(origin) ? origin : undefined;
  }

  async exchange(caller: EmbedCaller) {
    const account = await this.admit(caller);
    const now = this.clock.now();
    const record: TokenIssuanceRecord = {
      id: uuidv7(now.getTime()),
      tenantId: account.tenantId,
      providerAccountId: account.id,
      actorKind: 'public_embed',
      provider: 'signalwire',
      tokenKind: 'embed',
      issuedAt: now,
      requestId: caller.requestId,
      clientIp: caller.clientIp,
      origin: caller.origin,
      outcome: 'issued',
    };
    try {
      const minted = await this.adapter
        .exchangeEmbedToken({
          account: openAccount(this.secretBox, account) as AccountContext<SignalwireConfigDto, SignalwireSecretsDto>,
          now,
        })
        .catch((error: unknown) => {
          // An anonymous caller learns that the provider failed, not how; the token log keeps the code.
          throw error instanceof AppError && error.code.startsWith('provider_')
            ? new AppError(error.code, error.status, error.message)
            : error;
        });
      Object.assign(record, {
        expiresAt: minted.expiresAt,
        ttlSeconds: Math.ceil((minted.expiresAt.getTime() - now.getTime()) / 1000),
        tokenFingerprint: tokenFingerprint(minted.token),
        grants: { capabilities: ['outgoing'], embed: true },
      });
      await this.log.appendIssued(record);
      return {
        id: record.id,
        provider: 'signalwire',
        kind: 'embed',
        token: minted.token,
        expiresAt: minted.expiresAt,
        refreshAfter: refreshAfter(now, minted.expiresAt),
        capabilities: ['outgoing'],
      };
    } catch (error) {
      await this.log.appendRefusal(record, error);
      throw error;
    }
  }

  /**
   * The checks an anonymous caller can fail at will: rate limits, unknown or unavailable embeds, a forged Origin.
   * Their refusals are counted per minute (RefusalTally), so they cannot grow the token log without bound; past
   * them, every exchange gets its row. The per-IP count comes first and is keyed only by what the caller cannot
   * vary freely; account keys are counted only for accounts that exist, so sprayed ids cannot fill the limiter.
   */
  private async admit(caller: EmbedCaller) {
    let tenantId: string | undefined;
    try {
      this.limit(`embed-ip:${caller.clientIp}`, PER_IP_PER_MINUTE);
      const account = isUuid(caller.accountId) ? await this.accounts.findAccountWithTenant(caller.accountId) : null;
      if (!account) throw signalwireErrors.embed_not_found();
      tenantId = account.tenantId;
      this.limit(`embed:${account.id}:${caller.clientIp}`, PER_VISITOR_PER_MINUTE);
      this.limit(`embed:${account.id}`, PER_ACCOUNT_PER_MINUTE);
      if (!caller.origin || !originsOf(account.tenant.settings).includes(caller.origin)) throw signalwireErrors.origin_not_allowed();
      // A public caller learns nothing about the tenant's state: suspended and disabled look like "no embed here".
      if (account.tenant.status !== 'active' || account.status !== 'active') throw signalwireErrors.embed_not_found();
      return account;
    } catch (error) {
      this.tally.count({ tenantId, actorKind: 'public_embed', errorCode: refusalOutcome(error).errorCode });
      throw error;
    }
  }

  private limit(key: string, perMinute: number): void {
    const verdict = this.limiter.consume(key, perMinute, 60_000);
    if (!verdict.allowed) throw commonErrors.rate_limited({ retryAfterSeconds: verdict.retryAfterSeconds });
  }
}

function originsOf(settings: unknown): string[] {
  return (settings as TenantSettingsDto).allowedOrigins ?? [];
}
