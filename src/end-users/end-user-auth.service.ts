import { Injectable } from '@nestjs/common';
import { createPublicKey, KeyObject } from 'node:crypto';
import { AuditService } from '../audit/audit.service';
import { TenantActor } from '../auth/principal';
import { invalidField } from '../common/errors/validation-errors';
import { uuidv7 } from '../common/ids';
import { sealRowSecret } from '../crypto/row-secrets';
import { SecretBox } from '../crypto/secret-box';
import { Db } from '../database/prisma.service';
import { EndUserIssuer, EndUserJwksStatus } from '../generated/prisma/client';
import { OutboundPolicyService } from '../outbound/outbound-policy';
import { TenantsRepository } from '../tenants/tenants.repository';
import { EndUserAuthDto } from './dto/end-user-auth.dto';
import { ASYMMETRIC_ALGORITHMS, IssuerDto, SHARED_SECRET_ALGORITHMS } from './dto/issuer.dto';
import { EndUserAuthResponse, IssuerResponse } from './end-user-auth.response';
import { EndUserIssuersRepository, IssuerWrite } from './end-user-issuers.repository';
import { EndUserJwksStatusRepository } from './end-user-jwks-status.repository';
import { endUserErrors } from './end-users.errors';
import { algorithmsOfKey, MIN_RSA_BITS } from './issuer-key-algorithms';
import { JwksCacheService } from './jwks-cache.service';
import { JwksFetchError } from './jwks-fetch';
import { Clock } from '../common/clock/clock';
import { requireRecentSignIn } from '../console/recent-sign-in';

const DEFAULT_CLOCK_SKEW_SECONDS = 60;
const DEFAULT_JWKS_MAX_AGE_SECONDS = 60;

/** Reads and replaces how a tenant's end users are recognised: trusted identity providers, and sessions. */
@Injectable()
export class EndUserAuthService {
  constructor(
    private readonly issuers: EndUserIssuersRepository,
    private readonly tenants: TenantsRepository,
    private readonly outbound: OutboundPolicyService,
    private readonly secretBox: SecretBox,
    private readonly audit: AuditService,
    private readonly jwksStatus: EndUserJwksStatusRepository,
    private readonly jwks: JwksCacheService,
    private readonly clock: Clock,
  ) {}

  async get(tenantId: string, db?: Db): Promise<EndUserAuthResponse> {
    const [tenant, issuers, statuses] = await Promise.all([
      this.tenants.find(tenantId, db),
      this.issuers.list(tenantId, db),
      this.jwksStatus.list(tenantId, db),
    ]);
    const statusOf = new Map(statuses.map((status) => [status.issuerId, status]));
    return { issuers: issuers.map((row) => IssuerResponse.from(row, statusOf.get(row.id))), sessions: tenant?.endUserSessions ?? false };
  }

  /**
   * Replaces the configuration as a whole. A shared secret left out is kept, for the same issuer only. The whole body
   * is checked first; then each jwksUrl that is new for its issuer (or whose algorithms changed, or whose last fetch
   * failed) is fetched once, unless checkJwks is false: one that cannot be used refuses the whole change.
   */
  async replace(actor: TenantActor, dto: EndUserAuthDto): Promise<EndUserAuthResponse> {
    const tenantId = actor.principal.tenantId;
    requireRecentSignIn(actor.principal, this.clock.now());
    // A mistake anywhere in the body is answered before any JWKS is fetched: a 400 costs no outbound request.
    const [stored, statuses] = await Promise.all([this.issuers.list(tenantId), this.jwksStatus.list(tenantId)]);
    this.toRows(tenantId, dto, stored);
    await this.checkJwks(tenantId, dto, stored, statuses);
    return this.audit.recordChange(actor, 'end_user_auth.updated', { type: 'end_user_auth', id: tenantId }, async (tx) => {
      const current = await this.issuers.list(tenantId, tx);
      const rows = this.toRows(tenantId, dto, current);
      const previous = new Map(current.map((row) => [row.issuer, row]));
      await this.issuers.replaceAll(tenantId, rows, tx);
      const moved = rows.filter((row) => previous.has(row.issuer) && previous.get(row.issuer)!.jwksUrl !== row.jwksUrl);
      await this.jwksStatus.forget(
        tenantId,
        moved.map((row) => row.id),
        tx,
      );
      await this.tenants.update(tenantId, { endUserSessions: dto.sessions }, tx);
      return {
        result: await this.get(tenantId, tx),
        details: { issuers: rows.map(({ issuer }) => issuer), sessions: dto.sessions },
      };
    });
  }

  /** The rows for the body, every rule checked (400 naming the field), given what is stored now. */
  private toRows(tenantId: string, dto: EndUserAuthDto, stored: EndUserIssuer[]): IssuerWrite[] {
    const byIssuer = new Map(stored.map((row) => [row.issuer, row]));
    const rows = dto.issuers.map((issuer, index) => this.toRow(tenantId, issuer, `issuers[${index}]`, byIssuer.get(issuer.issuer)));
    const duplicate = rows.findIndex((row, index) => rows.findIndex((other) => other.issuer === row.issuer) !== index);
    if (duplicate >= 0) throw invalidField(`issuers[${duplicate}].issuer`, 'each issuer may appear once');
    const unprefixed = dto.issuers.findIndex((issuer) => issuer.userIdPrefix === undefined);
    if (dto.issuers.length > 1 && unprefixed >= 0) {
      throw invalidField(
        `issuers[${unprefixed}].userIdPrefix`,
        'with several issuers, give each a userIdPrefix (the same one only for issuers that share users)',
      );
    }
    checkPrefixFree(rows);
    return rows;
  }

  /**
   * Fetches each jwksUrl to be checked, all at once; the first unusable one (in the body's order) refuses the PUT.
   * A jwksUrl stored for the same issuer with the same algorithms is not fetched again, unless its last fetch failed.
   */
  private async checkJwks(tenantId: string, dto: EndUserAuthDto, stored: EndUserIssuer[], statuses: EndUserJwksStatus[]): Promise<void> {
    const byIssuer = new Map(stored.map((row) => [row.issuer, row]));
    const statusOf = new Map(statuses.map((status) => [status.issuerId, status]));
    const checks = dto.issuers.map(async (issuer) => {
      if (!issuer.jwksUrl || issuer.checkJwks === false) return undefined;
      const algorithms = issuer.algorithms ?? [...ASYMMETRIC_ALGORITHMS];
      const before = byIssuer.get(issuer.issuer);
      if (before && isUnchanged(before, issuer.jwksUrl, algorithms) && !lastFetchFailed(statusOf.get(before.id))) return undefined;
      return this.jwks.check(tenantId, issuer.issuer, issuer.jwksUrl, algorithms).then(
        () => undefined,
        (error: unknown) => {
          if (!(error instanceof JwksFetchError)) throw error;
          return endUserErrors.end_user_jwks_unreachable(
            { issuer: issuer.issuer, cause: error.reason, ...(error.status ? { status: error.status } : {}) },
            `The JWKS of ${issuer.issuer} cannot be used: ${error.words}. Fix it, or send "checkJwks": false to save it anyway`,
          );
        },
      );
    });
    const refusal = (await Promise.all(checks)).find((error) => error !== undefined);
    if (refusal) throw refusal;
  }

  private toRow(tenantId: string, dto: IssuerDto, field: string, stored: EndUserIssuer | undefined): IssuerWrite {
    const keySources = [dto.jwksUrl, dto.publicKeyPem, dto.secret].filter((value) => value !== undefined).length;
    const keepsSecret = keySources === 0 && stored?.secretCiphertext != null;
    if (keySources !== 1 && !keepsSecret) throw invalidField(field, 'give exactly one of jwksUrl, publicKeyPem or secret');
    const shared = dto.secret !== undefined || keepsSecret;
    const allowed: readonly string[] = shared ? SHARED_SECRET_ALGORITHMS : ASYMMETRIC_ALGORITHMS;
    const algorithms = dto.algorithms ?? (shared ? ['HS256'] : [...ASYMMETRIC_ALGORITHMS]);
    if (algorithms.some((algorithm) => !allowed.includes(algorithm))) {
      throw invalidField(
        `${field}.algorithms`,
        shared ? 'a shared secret verifies HS256, HS384 or HS512 only' : 'public keys verify asymmetric algorithms only',
      );
    }
    if (dto.jwksUrl) this.outbound.assertAllowed(dto.jwksUrl, `${field}.jwksUrl`, 'jwks');
    if (dto.publicKeyPem) checkPublicKey(dto.publicKeyPem, `${field}.publicKeyPem`);
    const id = stored?.id ?? uuidv7();
    const secret = dto.secret !== undefined ? sealRowSecret(this.secretBox, 'end_user_issuer', tenantId, id, dto.secret) : undefined;
    return {
      id,
      issuer: dto.issuer,
      audience: dto.audience,
      jwksUrl: dto.jwksUrl ?? null,
      publicKeyPem: dto.publicKeyPem ?? null,
      algorithms,
      tokenType: dto.tokenType ?? null,
      userClaim: dto.userClaim ?? 'sub',
      userIdPrefix: dto.userIdPrefix ?? '',
      clockSkewSeconds: dto.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS,
      jwksMaxAgeSeconds: dto.jwksMaxAgeSeconds ?? DEFAULT_JWKS_MAX_AGE_SECONDS,
      secretCiphertext: secret?.secretCiphertext ?? (keepsSecret ? stored.secretCiphertext : null),
      secretKeyId: secret?.secretKeyId ?? (keepsSecret ? stored.secretKeyId : null),
    };
  }
}

/**
 * Refuses prefixes that could make the same user id at two issuers: a user id is prefix + claim, so if one prefix
 * starts another ("rs" and "rs_", or "" and anything), `sub: "_bob"` at one issuer and `sub: "bob"` at the other are
 * both "rs_bob". Identical prefixes are allowed: that is how issuers share users on purpose.
 */
function checkPrefixFree(rows: IssuerWrite[]): void {
  for (const [index, row] of rows.entries()) {
    const longer = rows.findIndex((other) => other.userIdPrefix !== row.userIdPrefix && other.userIdPrefix.startsWith(row.userIdPrefix));
    if (longer < 0) continue;
    throw invalidField(
      `issuers[${index}].userIdPrefix`,
      `this prefix is the start of issuers[${longer}].userIdPrefix, so the two issuers could name the same user: no prefix may ` +
        'start another (end each with ":", say; "" starts every prefix), and issuers share users only with the same prefix',
    );
  }
}

/** Whether the stored row already fetches this jwksUrl for these algorithms (what a check depends on). */
function isUnchanged(stored: EndUserIssuer, jwksUrl: string, algorithms: string[]): boolean {
  return (
    stored.jwksUrl === jwksUrl && stored.algorithms.length === algorithms.length && algorithms.every((a) => stored.algorithms.includes(a))
  );
}

/** Whether the last fetch recorded for an issuer failed (an error newer than any success). */
function lastFetchFailed(status: EndUserJwksStatus | undefined): boolean {
  return status?.errorAt != null && (status.fetchedAt === null || status.errorAt >= status.fetchedAt);
}

function checkPublicKey(pem: string, field: string): void {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw invalidField(field, 'publicKeyPem is not a readable public key');
  }
  // Only keys jose can verify with: an RSA-PSS key (its own key type) or a 1024-bit RSA key would fail every token.
  if (algorithmsOfKey(key).length === 0)
    throw invalidField(field, `publicKeyPem must be an RSA (${MIN_RSA_BITS} bits or more), EC (P-256, P-384, P-521) or Ed25519 public key`);
}
