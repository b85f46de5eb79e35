import { Injectable } from '@nestjs/common';
import { createHash, createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors, JWTPayload, jwtVerify, JWTVerifyGetKey } from 'jose';
import { LRUCache } from 'lru-cache';
import { AppError } from '../common/errors/app-error';
import { Clock } from '../common/clock/clock';
import { openRowSecret } from '../crypto/row-secrets';
import { DecryptionError, SecretBox } from '../crypto/secret-box';
import { TenantCache, TenantCachesService } from '../database/tenant-cache';
import { EndUserIssuer } from '../generated/prisma/client';
import { EndUserIssuersRepository } from './end-user-issuers.repository';
import { endUserErrors } from './end-users.errors';
import { algorithmsOfKey } from './issuer-key-algorithms';
import { IssuerKeyLookup, JwksCacheService } from './jwks-cache.service';
import { USER_ID } from '../common/validation/user-id';

/** RFC 8725 asks verifiers to bound what they parse; an IdP token is a few hundred bytes to a few KB. */
export const MAX_TOKEN_LENGTH = 8192;
/** Headers that name a key of the token's own choosing: never followed, the token is refused. */
const SELF_KEYED_HEADERS = ['jku', 'x5u', 'jwk', 'x5c'];
const MAX_KEY_SETS = 1000;
/** What an issuer configured here can look like; anything else is not looked up. */
const ISSUER = /^\P{Cc}{1,500}$/u;

export interface VerifiedIdentity {
  issuer: string;
  userId: string;
  /** The token's `iat`, in seconds. */
  issuedAt: number;
  expiresAt: Date;
  /** The issuer's allowed clock difference, which revocation by `iat` must allow for too. */
  clockSkewSeconds: number;
}

interface Verified {
  identity: VerifiedIdentity;
  /** Until when the verdict may be reused: the token's expiry, or sooner when the keys that verified it may change. */
  trustedUntil: number;
}

/**
 * Verifies an end user's JWT from one of the tenant's trusted identity providers (jose). The issuer is chosen by the
 * token's `iss` among the tenant's own issuers only, and everything is checked against that issuer's configuration:
 * algorithms, key, audience, type, lifetime and the user claim. A browser presents the same token for many Callpass
 * tokens, so a verdict is kept by the token's hash (TenantCache: until the tenant changes, the token expires, or the
 * key set that verified it is due to be fetched again, whichever comes first).
 */
@Injectable()
export class IdentityTokenVerifierService {
  /** Per issuer row, with the row's last change: a reconfigured issuer gets fresh keys in place of the old. */
  private readonly keys = new LRUCache<string, { version: number; key: IssuerKeyLookup | KeyObject }>({ max: MAX_KEY_SETS });
  /** Each tenant's issuers, all of them (at most five): an unknown `iss` is refused without a query. */
  private readonly tenantIssuers: TenantCache<EndUserIssuer[]>;
  private readonly verdicts: TenantCache<Verified>;

  constructor(
    private readonly issuers: EndUserIssuersRepository,
    private readonly secretBox: SecretBox,
    private readonly jwks: JwksCacheService,
    private readonly clock: Clock,
    caches: TenantCachesService,
  ) {
    this.tenantIssuers = caches.create('end_user_issuers', 10_000);
    this.verdicts = caches.create('end_user_token_verdicts', 100_000);
  }

  async verify(tenantId: string, token: string): Promise<VerifiedIdentity> {
    if (token.length > MAX_TOKEN_LENGTH) throw endUserErrors.end_user_token_too_long();
    const key = `${tenantId}\n${createHash('sha256').update(token).digest('base64')}`;
    const verified = await this.verdicts.get(
      key,
      () => this.verifyAfresh(tenantId, token),
      () => tenantId,
      (verdict) => verdict.trustedUntil,
    );
    return verified!.identity;
  }

  /**
   * What `verify` answers for a tenant that trusts no issuer, with no tenant to ask: a browser route's unknown slug,
   * refused exactly as a known tenant refuses a token of an issuer it does not trust.
   */
  async refuseWithoutIssuers(token: string): Promise<never> {
    if (token.length > MAX_TOKEN_LENGTH) throw endUserErrors.end_user_token_too_long();
    outlineOf(token);
    throw endUserErrors.end_user_issuer_unknown();
  }

  private async verifyAfresh(tenantId: string, token: string): Promise<Verified> {
    const { header, claims } = outlineOf(token);
    const issuer = typeof claims.iss === 'string' && ISSUER.test(claims.iss) ? await this.issuerOf(tenantId, claims.iss) : undefined;
    if (!issuer) throw endUserErrors.end_user_issuer_unknown();
    // Checked before any key is looked at: `none`, and HS tokens against public keys, never reach verification.
    if (typeof header.alg !== 'string' || !issuer.algorithms.includes(header.alg)) throw endUserErrors.end_user_algorithm_not_allowed();

    const now = this.clock.now();
    const key = this.keyOf(issuer);
    // A configured key of another type or curve than the token's algorithm needs: jose would throw a TypeError.
    if (key instanceof KeyObject && !algorithmsOfKey(key).includes(header.alg)) throw endUserErrors.end_user_algorithm_not_allowed();
    let payload: JWTPayload;
    let usedKey: unknown;
    try {
      ({ payload, key: usedKey } = await jwtVerify(token, key as JWTVerifyGetKey, {
        issuer: issuer.issuer,
        audience: issuer.audience,
        algorithms: issuer.algorithms,
        typ: issuer.tokenType ?? undefined,
        clockTolerance: issuer.clockSkewSeconds,
        currentDate: now,
        requiredClaims: ['exp', 'iat'],
      }));
    } catch (error) {
      // Anything else is a fault of Callpass, not of the token: it goes on to be answered 500 and logged.
      throw refusalFor(error, Boolean(issuer.jwksUrl)) ?? error;
    }
    if (payload.iat! > now.getTime() / 1000 + issuer.clockSkewSeconds) throw endUserErrors.end_user_token_not_yet_valid({ claim: 'iat' });
    const claimed = payload[issuer.userClaim];
    if (typeof claimed !== 'string' || claimed === '') throw endUserErrors.end_user_claim_missing({ claim: issuer.userClaim });
    // An address anyone can type into a sign-up form names no one until the IdP has verified it.
    if (issuer.userClaim === 'email' && payload.email_verified !== true)
      throw endUserErrors.end_user_claim_missing({ claim: 'email_verified' });
    const userId = issuer.userIdPrefix + claimed;
    if (!USER_ID.test(userId)) throw endUserErrors.end_user_claim_missing({ claim: issuer.userClaim });
    const identity = {
      issuer: issuer.issuer,
      userId,
      issuedAt: payload.iat!,
      expiresAt: new Date(payload.exp! * 1000),
      clockSkewSeconds: issuer.clockSkewSeconds,
    };
    const keysTrustedUntil = key instanceof KeyObject ? Infinity : key.trustedUntil(usedKey);
    return { identity, trustedUntil: Math.min(identity.expiresAt.getTime(), keysTrustedUntil) };
  }

  private async issuerOf(tenantId: string, issuer: string): Promise<EndUserIssuer | undefined> {
    const all = await this.tenantIssuers.get(
      tenantId,
      () => this.issuers.list(tenantId),
      () => tenantId,
    );
    return all!.find((candidate) => candidate.issuer === issuer);
  }

  private keyOf(issuer: EndUserIssuer): IssuerKeyLookup | KeyObject {
    const version = issuer.updatedAt.getTime();
    const cached = this.keys.get(issuer.id);
    if (cached?.version === version) return cached.key;
    let key: IssuerKeyLookup | KeyObject;
    try {
      key = this.createKey(issuer);
    } catch (error) {
      // The shared secret does not decrypt here (its key is gone, or the row was tampered with or moved).
      if (error instanceof DecryptionError) throw endUserErrors.end_user_keys_unavailable();
      throw error;
    }
    this.keys.set(issuer.id, { version, key });
    return key;
  }

  private createKey(issuer: EndUserIssuer): IssuerKeyLookup | KeyObject {
    if (issuer.jwksUrl) return this.jwks.keysOf(issuer);
    if (issuer.publicKeyPem) return createPublicKey(issuer.publicKeyPem);
    return createSecretKey(
      Buffer.from(openRowSecret(this.secretBox, 'end_user_issuer', issuer.tenantId, issuer.id, issuer.secretCiphertext!), 'utf8'),
    );
  }
}

/** The token's header and claims, unverified; refused if malformed or if it names its own key. */
function outlineOf(token: string): { header: Record<string, unknown>; claims: JWTPayload } {
  let outline: { header: Record<string, unknown>; claims: JWTPayload };
  try {
    outline = { header: decodeProtectedHeader(token), claims: decodeJwt(token) };
  } catch {
    throw endUserErrors.end_user_token_malformed();
  }
  if (SELF_KEYED_HEADERS.some((name) => name in outline.header)) throw endUserErrors.end_user_token_header_refused();
  return outline;
}

/**
 * What verification threw, as the stable code of the end-user routes, when it is a refusal: jose's own errors, and
 * the key lookup's (AppError). Undefined for anything else, which is not the token's doing.
 */
function refusalFor(error: unknown, remoteKeys: boolean): AppError | undefined {
  if (error instanceof AppError) return error;
  if (!(error instanceof errors.JOSEError)) return undefined;
  if (error instanceof errors.JWTExpired) return endUserErrors.end_user_token_expired();
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return endUserErrors.end_user_claim_missing({ claim: error.claim });
    if (error.claim === 'nbf') return endUserErrors.end_user_token_not_yet_valid({ claim: 'nbf' });
    if (error.claim === 'aud') return endUserErrors.end_user_audience_mismatch();
    if (error.claim === 'typ') return endUserErrors.end_user_token_type_mismatch();
    return endUserErrors.end_user_token_malformed({ claim: error.claim });
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return endUserErrors.end_user_signature_invalid();
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys)
    return endUserErrors.end_user_key_unknown();
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported)
    return endUserErrors.end_user_algorithm_not_allowed();
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return endUserErrors.end_user_token_malformed();
  // jose's other errors are about keys: a key set that cannot be used (JWKSInvalid, JWKInvalid), or else the key.
  return remoteKeys ? endUserErrors.end_user_keys_unavailable() : endUserErrors.end_user_signature_invalid();
}
