import { Injectable } from '@nestjs/common';
import { Actor } from '../auth/principal';
import { authErrors } from '../auth/auth.errors';
import { isUuid } from '../common/ids';
import { validateObject } from '../common/validation/validate-object';
import { openRowSecret } from '../crypto/row-secrets';
import { DecryptionError, SecretBox } from '../crypto/secret-box';
import { endpointErrors } from '../endpoints/endpoints.errors';
import { ProviderAccountsService } from '../provider-accounts/provider-accounts.service';
import { ProviderAdapter, TokenKind } from '../providers/provider-adapter';
import { ProviderRegistry } from '../providers/provider-registry';
import { inSpan } from '../tracing/spans';
import { TokenRequestDto } from './dto/token-request.dto';
import { EndpointEnrollmentService } from './endpoint-enrollment';
import { callerOf, IssuanceCaller } from './issuance-caller';
import { IssuanceTarget, IssuanceTargetsRepository } from './issuance-targets.repository';
import { issuanceErrors } from './issuance.errors';
import { IssuedTokenResponse } from './issued-token.response';
import { ProviderSessionsRepository } from './provider-sessions.repository';
import { IssuanceRecord, TokenRecorderService } from './token-recorder';
import {
  checkAccountBinding,
  checkEndUserOptions,
  checkLifetime,
  credentialLimits,
  grantCapabilities,
  resolveTtl,
  secondsUntil,
  TtlLimits,
  ttlLimits,
} from './token-policy';

/** How long a refresh may hold its session: the provider call's timeout, retries and backoff fit well within it. */
const REFRESH_LEASE_MS = 60_000;

/** A kind with no options of its own still refuses unknown ones. */
class NoOptions {}

/** The request's options checked against the kind's schema; a kind without options and a request without any skip the validator. */
function optionsOf(kind: TokenKind, options: Record<string, unknown> | undefined): object {
  if (!kind.optionsSchema && (options === undefined || Object.keys(options).length === 0)) return {};
  return validateObject(kind.optionsSchema ?? NoOptions, options ?? {}, 'options');
}

/**
 * Which endpoint a token is for: one named by id, a user's on a named account, or (for a user who asks themselves,
 * or a service for them) the user's endpoint on the named account or provider, or their only one, enrolled on the
 * spot where the account allows it.
 */
export type TargetSelection =
  | { endpointId: string }
  | { providerAccountId: string; userId: string }
  | {
      user: string;
      providerAccountId?: string;
      provider?: string;
      /** False where the caller can name no account or provider (the tenant route's `userId` alone). */
      canChoose?: false;
    };

/**
 * The one provider-agnostic issuing pipeline, for every route that mints (tenant key, end user, service key, public
 * embed): resolve the target → policy → decrypt → the adapter mints → the audit row is committed → respond. Every
 * refusal is recorded too, and a token whose audit row did not commit is never returned (503 audit_unavailable).
 */
@Injectable()
export class IssuanceService {
  constructor(
    private readonly targets: IssuanceTargetsRepository,
    private readonly enrollment: EndpointEnrollmentService,
    private readonly accounts: ProviderAccountsService,
    private readonly sessions: ProviderSessionsRepository,
    private readonly registry: ProviderRegistry,
    private readonly secretBox: SecretBox,
    private readonly recorder: TokenRecorderService,
  ) {}

  /** A token for one of the tenant's users, asked for by `actor` (the tenant's backend, the user, or a service). */
  issue(actor: Actor, tenantId: string, selection: TargetSelection, request: TokenRequestDto): Promise<IssuedTokenResponse> {
    const caller = callerOf(actor, tenantId);
    const record = this.recorder.start(caller);
    return this.recorder.run(record, async () =>
      this.mint(record, caller, await inSpan('callpass.resolve_target', () => this.resolve(actor, caller, selection)), request),
    );
  }

  /** A token for an account as a whole, for a caller already admitted (the public click-to-call embed). */
  issueForAccount(caller: IssuanceCaller, target: IssuanceTarget, request: TokenRequestDto): Promise<IssuedTokenResponse> {
    const record = this.recorder.start(caller);
    return this.recorder.run(record, () => this.mint(record, caller, target, request));
  }

  /**
   * Exchanges the kept refresh credential of the latest token of a chain for a new token; policy applies again.
   * `userId` limits it to that user's own tokens (an end user refreshing).
   */
  refresh(actor: Actor, tenantId: string, tokenId: string, userId?: string): Promise<IssuedTokenResponse> {
    const caller = callerOf(actor, tenantId);
    const record = this.recorder.start(caller);
    return this.recorder.run(record, async () => {
      const session = isUuid(tokenId) ? await this.sessions.findByCurrentToken(tenantId, tokenId) : null;
      if (!session || (userId !== undefined && session.endpoint.userId !== userId)) throw issuanceErrors.token_not_refreshable();
      const target = await this.targets.byEndpoint(tenantId, session.endpointId);
      if (!target) throw issuanceErrors.token_not_refreshable();
      this.recorder.describe(record, target);
      record.tokenKind = session.tokenKind;
      if (session.expiresAt <= record.issuedAt) throw issuanceErrors.token_not_refreshable({ reason: 'expired' });
      const adapter = this.registry.get(target.account.provider);
      const kind = kindOf(adapter.tokenKinds, session.tokenKind);
      if (!adapter.refresh || !kind) throw issuanceErrors.token_not_refreshable();
      checkAccountBinding(caller, target.account.id);
      const capabilities = this.checkPolicy(target, kind, undefined, caller);
      // A refreshed token does not outlive the end user's credential either (the provider may set its lifetime: a
      // refreshed SignalWire SAT lives 2 h, so a shorter credential is refused before the refresh token is spent).
      const limits = credentialLimits(
        this.limitsOf(target, adapter),
        caller.endUser && secondsUntil(caller.endUser.credentialExpiresAt, record.issuedAt),
      );
      let refreshSecret: string;
      try {
        refreshSecret = openRowSecret(this.secretBox, 'provider_session', session.tenantId, session.id, session.secretCiphertext);
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
          account: this.accounts.open(target.account),
          identity: target.endpoint!.identity,
          now: record.issuedAt,
          maxTtlSeconds: limits.maxSeconds,
          endpointData: target.endpoint!.providerData as Record<string, unknown>,
          refreshSecret,
        })
        .catch(async (error: unknown) => {
          // Let the next refresh try; if this one did spend the token (a timeout can hide that), the provider will say so.
          await this.sessions.releaseRefresh(session.tenantId, session.id).catch(() => undefined);
          throw error;
        });
      checkLifetime(record.issuedAt, minted, limits);
      minted.grants = { refreshOf: tokenId, ...minted.grants };
      return this.recorder.commit(record, minted, capabilities, { rotate: { sessionId: session.id, expectedTokenId: tokenId } });
    });
  }

  private async mint(
    record: IssuanceRecord,
    caller: IssuanceCaller,
    target: IssuanceTarget,
    request: TokenRequestDto,
  ): Promise<IssuedTokenResponse> {
    const { account, endpoint } = target;
    this.recorder.describe(record, target);
    const adapter = this.registry.get(account.provider);
    const kindName = request.kind ?? adapter.defaultTokenKind;
    record.tokenKind = kindName;
    const kind = kindOf(adapter.tokenKinds, kindName);
    // Account-level kinds (an embed's) are minted only where no endpoint is named, and the others only where one is.
    if (!kind || Boolean(kind.accountLevel) === Boolean(endpoint)) {
      const supported = Object.keys(adapter.tokenKinds).filter((name) => Boolean(adapter.tokenKinds[name].accountLevel) === !endpoint);
      throw issuanceErrors.token_kind_not_supported({ kind: kindName, supported });
    }
    if (caller.endUser) checkEndUserOptions(kind, target.account.policy.endUserOptions, request.options);
    const options = optionsOf(kind, request.options);
    const capabilities = this.checkPolicy(target, kind, request.capabilities, caller);
    const limits = this.limitsOf(target, adapter);
    const minted = await inSpan(
      'callpass.mint',
      () =>
        adapter.mint({
          kind: kindName,
          tokenId: record.id,
          account: this.accounts.open(account),
          identity: endpoint?.identity ?? '',
          capabilities,
          ttlSeconds: resolveTtl(
            request.ttlSeconds,
            limits,
            caller.endUser && secondsUntil(caller.endUser.credentialExpiresAt, record.issuedAt),
          ),
          maxTtlSeconds: limits.maxSeconds,
          now: record.issuedAt,
          endpointData: (endpoint?.providerData ?? {}) as Record<string, unknown>,
          options,
        }),
      { 'callpass.provider': account.provider, 'callpass.token_kind': kindName },
    );
    checkLifetime(record.issuedAt, minted, limits);
    return this.recorder.commit(
      record,
      minted,
      capabilities,
      minted.refresh && endpoint ? { create: { endpointId: endpoint.id } } : undefined,
    );
  }

  private async resolve(actor: Actor, caller: IssuanceCaller, selection: TargetSelection): Promise<IssuanceTarget> {
    const { tenantId } = caller;
    if ('endpointId' in selection)
      return found(isUuid(selection.endpointId) ? await this.targets.byEndpoint(tenantId, selection.endpointId) : undefined);
    if (!('user' in selection)) return found(await this.targets.byAccountAndUser(tenantId, selection.providerAccountId, selection.userId));

    const accountId = selection.providerAccountId ?? caller.grant?.providerAccountId;
    if (accountId) checkAccountBinding(caller, accountId);
    const candidates = (await this.targets.ofUser(tenantId, selection.user)).filter(
      ({ account }) => (!accountId || account.id === accountId) && (!selection.provider || account.provider === selection.provider),
    );
    if (candidates.length > 1)
      throw issuanceErrors.endpoint_choice_required({ providerAccounts: candidates.map(({ account }) => account.id) });
    if (candidates[0]) return candidates[0];
    const choice = { providerAccountId: accountId, provider: selection.provider, canChoose: selection.canChoose };
    const enrolled = await this.enrollment.enroll(actor, tenantId, selection.user, choice);
    if (enrolled) return enrolled;
    throw selection.canChoose === false
      ? issuanceErrors.user_endpoint_not_found({ userId: selection.user })
      : endpointErrors.endpoint_not_found();
  }

  private limitsOf({ tenant, account }: IssuanceTarget, adapter: ProviderAdapter): TtlLimits {
    return ttlLimits(tenant.settings.tokenTtl, account.policy.tokenTtl, adapter);
  }

  /** The tenant, the endpoint and the account must be active, and the capabilities allowed by each and the caller. */
  private checkPolicy(
    { tenant, endpoint, account }: IssuanceTarget,
    kind: TokenKind,
    requested: TokenRequestDto['capabilities'],
    caller: IssuanceCaller,
  ) {
    // Authentication refuses a suspended tenant's callers already; this holds for every route whatever the caller.
    if (tenant.status !== 'active') throw authErrors.tenant_suspended();
    if (endpoint?.disabled) throw issuanceErrors.endpoint_disabled();
    if (account.status !== 'active') throw issuanceErrors.provider_account_disabled();
    const limits = {
      endpoint: endpoint?.capabilities ?? ['incoming', 'outgoing'],
      account: account.policy.capabilities,
      caller: caller.grant?.capabilities,
    };
    return grantCapabilities(requested, limits, kind.fixedCapabilities);
  }
}

/** Own properties only: a kind named like an Object.prototype member must not resolve to it. */
function kindOf(kinds: Record<string, TokenKind>, name: string): TokenKind | undefined {
  return Object.hasOwn(kinds, name) ? kinds[name] : undefined;
}

function found(target: IssuanceTarget | undefined): IssuanceTarget {
  if (!target) throw endpointErrors.endpoint_not_found();
  return target;
}
