import { Injectable } from '@nestjs/common';
import { auditErrors } from '../audit/audit.errors';
import { TokenIssuanceLog, TokenIssuanceRecord } from '../audit/token-issuance-log';
import { TenantActor } from '../auth/principal';
import { AppError } from '../common/errors/app-error';
import { Clock } from '../common/clock/clock';
import { isUuid, uuidv7 } from '../common/ids';
import { validateObject } from '../common/validation/validate-object';
import { DecryptionError, SecretBox } from '../crypto/secret-box';
import { EndpointsRepository, IssuanceTarget } from '../endpoints/endpoints.repository';
import { endpointErrors } from '../endpoints/endpoints.errors';
import { AccountPolicyDto } from '../provider-accounts/dto/account-policy.dto';
import { ProviderAccountsService } from '../provider-accounts/provider-accounts.service';
import { tokenFingerprint } from '../providers/jwt';
import { MintedToken, TokenKind } from '../providers/provider-adapter';
import { ProviderRegistry } from '../providers/provider-registry';
import { TenantSettingsDto } from '../tenants/dto/tenant-settings.dto';
import { IssueTokenDto } from './dto/issue-token.dto';
import { issuanceErrors } from './issuance.errors';
import { IssuedTokenResponse } from './issued-token.response';
import { ProviderSessionsRepository } from './provider-sessions.repository';
import { openSessionSecret, sealSessionSecret } from './session-secrets';
import { grantCapabilities, refreshAfter, resolveTtl, ttlLimits } from './token-policy';

/** How long a refresh may hold its session: the provider call's timeout, retries and backoff fit well within it. */
const REFRESH_LEASE_MS = 60_000;

/** A kind with no options of its own still refuses unknown ones. */
class NoOptions {}

/** Every row the pipeline writes belongs to a tenant. */
type TenantRecord = TokenIssuanceRecord & { tenantId: string };

/** What happens to a kept refresh credential when the token is committed. */
type SessionChange = { create: { endpointId: string } } | { rotate: { sessionId: string; expectedTokenId: string } };

/**
 * The provider-agnostic issuing pipeline: resolve endpoint, account and tenant → policy → decrypt → the adapter
 * mints → the audit row is committed → respond. Every refusal is audited too. Fail closed: a token whose audit
 * row did not commit is never returned (503 audit_unavailable).
 */
@Injectable()
export class IssuanceService {
  constructor(
    private readonly endpoints: EndpointsRepository,
    private readonly accounts: ProviderAccountsService,
    private readonly sessions: ProviderSessionsRepository,
    private readonly registry: ProviderRegistry,
    private readonly secretBox: SecretBox,
    private readonly log: TokenIssuanceLog,
    private readonly clock: Clock,
  ) {}

  issue(actor: TenantActor, dto: IssueTokenDto): Promise<IssuedTokenResponse> {
    const record = this.newRecord(actor);
    return this.audited(record, async () => {
      const resolved = await this.resolve(actor.principal.tenantId, dto);
      const { endpoint, account } = resolved;
      this.describe(record, resolved);
      const adapter = this.registry.get(account.provider);
      const kindName = dto.kind ?? adapter.defaultTokenKind;
      record.tokenKind = kindName;
      // Own properties only: a kind named like an Object.prototype member must not resolve to it.
      const kind = Object.hasOwn(adapter.tokenKinds, kindName) ? adapter.tokenKinds[kindName] : undefined;
      if (!kind) throw issuanceErrors.token_kind_not_supported({ kind: kindName, supported: Object.keys(adapter.tokenKinds) });
      const options = validateObject(kind.optionsSchema ?? NoOptions, dto.options ?? {}, 'options');
      const capabilities = this.checkPolicy(resolved, kind, dto.capabilities);
      const limits = this.ttlLimits(resolved, adapter.maxTtlSeconds);
      const minted = await adapter.mint({
        kind: kindName,
        tokenId: record.id,
        account: this.accounts.open(account),
        identity: endpoint.identity,
        capabilities,
        ttlSeconds: resolveTtl(dto.ttlSeconds, limits),
        maxTtlSeconds: limits.maxSeconds,
        now: record.issuedAt,
        endpointData: endpoint.providerData as Record<string, unknown>,
        options,
      });
      this.checkLifetime(record.issuedAt, minted, limits.maxSeconds);
      return this.commit(
        record,
        minted,
        capabilities,
        endpoint.identity,
        minted.refresh ? { create: { endpointId: endpoint.id } } : undefined,
      );
    });
  }

  /** Exchanges the kept refresh credential of the latest token of a chain for a new token; policy applies again. */
  refresh(actor: TenantActor, tokenId: string): Promise<IssuedTokenResponse> {
    const record = this.newRecord(actor);
    return this.audited(record, async () => {
      const session = isUuid(tokenId) ? await this.sessions.findByCurrentToken(actor.principal.tenantId, tokenId) : null;
      if (!session) throw issuanceErrors.token_not_refreshable();
      const { endpoint } = session;
      const resolved: IssuanceTarget = { endpoint, account: endpoint.providerAccount, tenantSettings: endpoint.tenant.settings };
      this.describe(record, resolved);
      record.tokenKind = session.tokenKind;
      if (session.expiresAt <= record.issuedAt) throw issuanceErrors.token_not_refreshable({ reason: 'expired' });
      const adapter = this.registry.get(resolved.account.provider);
      const kind = Object.hasOwn(adapter.tokenKinds, session.tokenKind) ? adapter.tokenKinds[session.tokenKind] : undefined;
      if (!adapter.refresh || !kind) throw issuanceErrors.token_not_refreshable();
      const capabilities = this.checkPolicy(resolved, kind, undefined);
      let refreshSecret: string;
      try {
        refreshSecret = openSessionSecret(this.secretBox, session.tenantId, session.id, session.secretCiphertext);
      } catch (error) {
        if (error instanceof DecryptionError) throw issuanceErrors.refresh_unreadable();
        throw error;
      }
      const leaseUntil = new Date(record.issuedAt.getTime() + REFRESH_LEASE_MS);
      if (!(await this.sessions.claimRefresh(session.tenantId, session.id, tokenId, record.issuedAt, leaseUntil))) {
        throw issuanceErrors.token_refresh_conflict();
      }
      const minted = await adapter
        .refresh({
          kind: session.tokenKind,
          tokenId: record.id,
          account: this.accounts.open(resolved.account),
          identity: endpoint.identity,
          now: record.issuedAt,
          maxTtlSeconds: this.ttlLimits(resolved, adapter.maxTtlSeconds).maxSeconds,
          endpointData: endpoint.providerData as Record<string, unknown>,
          refreshSecret,
        })
        .catch(async (error: unknown) => {
          // Let the next refresh try; if this one did spend the token (a timeout can hide that), the provider will say so.
          await this.sessions.releaseRefresh(session.tenantId, session.id).catch(() => undefined);
          throw error;
        });
      minted.grants = { refreshOf: tokenId, ...minted.grants };
      return this.commit(record, minted, capabilities, endpoint.identity, { rotate: { sessionId: session.id, expectedTokenId: tokenId } });
    });
  }

  private newRecord(actor: TenantActor): TenantRecord {
    const now = this.clock.now();
    return {
      id: uuidv7(now.getTime()),
      tenantId: actor.principal.tenantId,
      actorKind: 'tenant_key',
      actorId: actor.principal.keyId,
      issuedAt: now,
      requestId: actor.requestId,
      clientIp: actor.clientIp,
      origin: actor.origin,
      outcome: 'issued',
    };
  }

  private describe(record: TokenIssuanceRecord, { endpoint, account }: IssuanceTarget): void {
    Object.assign(record, {
      endpointId: endpoint.id,
      providerAccountId: account.id,
      userId: endpoint.userId,
      identity: endpoint.identity,
      provider: account.provider,
    });
  }

  private ttlLimits({ account, tenantSettings }: IssuanceTarget, providerMax: number) {
    return ttlLimits((tenantSettings as TenantSettingsDto).tokenTtl, (account.policy as AccountPolicyDto).tokenTtl, providerMax);
  }

  /** A suspended tenant is refused at authentication; here the endpoint, the account and the capabilities. */
  private checkPolicy({ endpoint, account }: IssuanceTarget, kind: TokenKind, requested: IssueTokenDto['capabilities']) {
    if (endpoint.disabled) throw issuanceErrors.endpoint_disabled();
    if (account.status !== 'active') throw issuanceErrors.provider_account_disabled();
    return grantCapabilities(requested, endpoint.capabilities, (account.policy as AccountPolicyDto).capabilities, kind.fixedCapabilities);
  }

  /** A provider that sets the lifetime itself (Bandwidth) may exceed the policy; such a token does not go out. */
  private checkLifetime(issuedAt: Date, minted: MintedToken, maxTtlSeconds: number): void {
    const lifetimeSeconds = Math.ceil((minted.expiresAt.getTime() - issuedAt.getTime()) / 1000);
    if (lifetimeSeconds > maxTtlSeconds) {
      throw issuanceErrors.lifetime_exceeds_policy({ providerLifetimeSeconds: lifetimeSeconds, maxSeconds: maxTtlSeconds });
    }
  }

  /** Writes the issued row (with any kept refresh credential, in the same commit), and only then hands the token out. */
  private async commit(
    record: TenantRecord,
    minted: MintedToken,
    capabilities: string[],
    identity: string,
    session: SessionChange | undefined,
  ): Promise<IssuedTokenResponse> {
    Object.assign(record, {
      expiresAt: minted.expiresAt,
      // Expiries are whole seconds from the second of issue, so up to a second of a nominal lifetime is lost: round up.
      ttlSeconds: Math.ceil((minted.expiresAt.getTime() - record.issuedAt.getTime()) / 1000),
      tokenFingerprint: minted.providerTokenId ?? tokenFingerprint(minted.token),
      grants: { capabilities, ...minted.grants },
    });
    if (minted.refresh && session) {
      await this.commitWithSession(record, minted.refresh, session).catch((error: unknown) => {
        throw error instanceof AppError ? error : auditErrors.audit_unavailable();
      });
    } else {
      await this.log.appendIssued(record);
    }
    return {
      id: record.id,
      provider: record.provider!,
      kind: record.tokenKind!,
      token: minted.token,
      identity,
      expiresAt: minted.expiresAt,
      refreshAfter: refreshAfter(record.issuedAt, minted.expiresAt),
      capabilities,
      ...minted.extras,
    };
  }

  private commitWithSession(record: TenantRecord, refresh: NonNullable<MintedToken['refresh']>, change: SessionChange): Promise<void> {
    return this.sessions.transaction(async (tx) => {
      await this.log.appendWithin(tx, record);
      if ('rotate' in change) {
        const { sessionId, expectedTokenId } = change.rotate;
        const sealed = sealSessionSecret(this.secretBox, record.tenantId, sessionId, refresh.secret);
        const rotated = await this.sessions.rotate(
          record.tenantId,
          sessionId,
          expectedTokenId,
          { currentTokenId: record.id, expiresAt: refresh.expiresAt, ...sealed },
          tx,
        );
        if (!rotated) throw issuanceErrors.token_refresh_conflict();
        return;
      }
      const sessionId = uuidv7(record.issuedAt.getTime());
      await this.sessions.deleteExpired(record.tenantId, change.create.endpointId, record.issuedAt, tx);
      await this.sessions.create(
        record.tenantId,
        {
          id: sessionId,
          endpointId: change.create.endpointId,
          tokenKind: record.tokenKind!,
          currentTokenId: record.id,
          expiresAt: refresh.expiresAt,
          ...sealSessionSecret(this.secretBox, record.tenantId, sessionId, refresh.secret),
        },
        tx,
      );
    });
  }

  private async resolve(tenantId: string, dto: IssueTokenDto): Promise<IssuanceTarget> {
    let reference: { id: string } | { providerAccountId: string; userId: string };
    if (dto.endpointId) reference = { id: dto.endpointId };
    else if (dto.providerAccountId && dto.userId) reference = { providerAccountId: dto.providerAccountId, userId: dto.userId };
    else throw issuanceErrors.endpoint_reference_required();
    const found = await this.endpoints.findForIssuance(tenantId, reference);
    if (!found) throw endpointErrors.endpoint_not_found();
    return found;
  }

  /** Runs one issuance; a refusal (4xx) or failure (5xx) is audited before the error goes back to the caller. */
  private async audited(record: TokenIssuanceRecord, work: () => Promise<IssuedTokenResponse>): Promise<IssuedTokenResponse> {
    try {
      return await work();
    } catch (error) {
      await this.log.appendRefusal(record, error);
      throw error;
    }
  }
}
