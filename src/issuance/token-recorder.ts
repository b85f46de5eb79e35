import { Injectable } from '@nestjs/common';
import { tokenLogErrors } from '../token-log/token-log.errors';
import { refusalOutcome, TokenIssuanceLogService, TokenIssuanceRecord } from '../token-log/token-issuance-log';
import { AppError } from '../common/errors/app-error';
import { Clock } from '../common/clock/clock';
import { uuidv7 } from '../common/ids';
import { sealRowSecret } from '../crypto/row-secrets';
import { SecretBox } from '../crypto/secret-box';
import { tokenFingerprint } from '../providers/jwt';
import { MintedToken } from '../providers/provider-adapter';
import { ProviderRegistry } from '../providers/provider-registry';
import { IssuanceCaller } from './issuance-caller';
import { IssuanceTarget } from './issuance-targets.repository';
import { issuanceErrors } from './issuance.errors';
import { IssuedTokenResponse } from './issued-token.response';
import { ProviderSessionsRepository } from './provider-sessions.repository';
import { refreshAfter } from './token-policy';
import { MetricsService } from '../metrics/metrics';
import { TokenRollupsService } from '../overview/token-rollups.service';
import { inSpan } from '../tracing/spans';

/** A token-log row being built by one issuance; every row the pipeline writes belongs to a tenant. */
export type IssuanceRecord = TokenIssuanceRecord & { tenantId: string };

/** What happens to a kept refresh credential when the token is committed. */
export type SessionChange = { create: { endpointId: string } } | { rotate: { sessionId: string; expectedTokenId: string } };

/**
 * Builds the token-log row of an issuance, writes it, and answers: the one recorder of every route that mints.
 * A token goes out only once its row is committed (with its kept refresh credential, if any, in the same commit);
 * a refusal (4xx) or failure (5xx) is written before the error goes back.
 */
@Injectable()
export class TokenRecorderService {
  constructor(
    private readonly log: TokenIssuanceLogService,
    private readonly sessions: ProviderSessionsRepository,
    private readonly secretBox: SecretBox,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
    private readonly registry: ProviderRegistry,
    private readonly rollups: TokenRollupsService,
  ) {}

  start(caller: IssuanceCaller): IssuanceRecord {
    const now = this.clock.now();
    return {
      id: uuidv7(now.getTime()),
      tenantId: caller.tenantId,
      actorKind: caller.actorKind,
      actorId: caller.actorId,
      userId: caller.endUser?.userId,
      issuedAt: now,
      requestId: caller.requestId,
      clientIp: caller.clientIp,
      origin: caller.origin,
      outcome: 'issued',
    };
  }

  describe(record: IssuanceRecord, { account, endpoint }: IssuanceTarget): void {
    Object.assign(record, {
      providerAccountId: account.id,
      provider: account.provider,
      endpointId: endpoint?.id,
      userId: endpoint?.userId,
      identity: endpoint?.identity,
    });
  }

  /** Runs one issuance; its refusal or failure is recorded before the error goes back to the caller. */
  async run(record: IssuanceRecord, work: () => Promise<IssuedTokenResponse>): Promise<IssuedTokenResponse> {
    const startedAt = performance.now();
    try {
      const issued = await inSpan('callpass.issue', work);
      this.count(record, startedAt, 'issued', '');
      return issued;
    } catch (error) {
      await this.log.appendRefusal(record, error);
      const { outcome, errorCode } = refusalOutcome(error);
      this.count(record, startedAt, outcome, errorCode);
      throw error;
    }
  }

  /** Counts the outcome; a kind the caller made up is labelled `unsupported`, so labels stay a small fixed set. */
  private count(record: IssuanceRecord, startedAt: number, outcome: string, code: string): void {
    const provider = record.provider ?? 'none';
    const kind = !record.tokenKind ? 'none' : this.registry.hasTokenKind(provider, record.tokenKind) ? record.tokenKind : 'unsupported';
    this.metrics.tokens.inc({ provider, kind, outcome, code });
    const seconds = MetricsService.since(startedAt);
    this.metrics.issuanceSeconds.observe({ provider, outcome }, seconds);
    if (record.tenantId) this.rollups.count(record.tenantId, record.issuedAt, provider, outcome, code, seconds * 1000);
  }

  /** Writes the issued row (with any kept refresh credential, in the same commit), and only then hands the token out. */
  async commit(record: IssuanceRecord, minted: MintedToken, capabilities: string[], session?: SessionChange): Promise<IssuedTokenResponse> {
    Object.assign(record, {
      expiresAt: minted.expiresAt,
      // Expiries are whole seconds from the second of issue, so up to a second of a nominal lifetime is lost: round up.
      ttlSeconds: Math.ceil((minted.expiresAt.getTime() - record.issuedAt.getTime()) / 1000),
      tokenFingerprint: minted.providerTokenId ?? tokenFingerprint(minted.token),
      grants: { capabilities, ...minted.grants },
    });
    if (minted.refresh && session) {
      await this.commitWithSession(record, minted.refresh, session).catch((error: unknown) => {
        throw error instanceof AppError ? error : tokenLogErrors.audit_unavailable();
      });
    } else {
      await inSpan('callpass.record', () => this.log.appendIssued(record));
    }
    return {
      id: record.id,
      provider: record.provider!,
      kind: record.tokenKind!,
      token: minted.token,
      identity: record.identity ?? null,
      expiresAt: minted.expiresAt,
      refreshAfter: refreshAfter(record.issuedAt, minted.expiresAt),
      serverTime: this.clock.now(),
      capabilities,
      ...minted.extras,
    };
  }

  private commitWithSession(record: IssuanceRecord, refresh: NonNullable<MintedToken['refresh']>, change: SessionChange): Promise<void> {
    return this.sessions.transaction(async (tx) => {
      await this.log.appendWithin(tx, record);
      if ('rotate' in change) {
        const { sessionId, expectedTokenId } = change.rotate;
        const sealed = sealRowSecret(this.secretBox, 'provider_session', record.tenantId, sessionId, refresh.secret);
        const next = { currentTokenId: record.id, expiresAt: refresh.expiresAt, ...sealed };
        if (!(await this.sessions.rotate(record.tenantId, sessionId, expectedTokenId, next, tx)))
          throw issuanceErrors.token_refresh_conflict();
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
          ...sealRowSecret(this.secretBox, 'provider_session', record.tenantId, sessionId, refresh.secret),
        },
        tx,
      );
    });
  }
}
