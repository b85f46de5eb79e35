import { JSONWebKeySet, JWK } from 'jose';
import { request } from 'undici';
import { OutboundPolicyService } from '../outbound/outbound-policy';
import { BodyTooLargeError, readCapped } from '../outbound/read-capped';
import { transportCause } from '../outbound/transport-cause';
import { algorithmsOfJwk } from './issuer-key-algorithms';

/** A key set is a few keys; anything much larger is not one. */
const MAX_JWKS_BYTES = 64 * 1024;

/** Why a JWKS could not be used, as stable words (logs, metrics, GET /v1/end-user-auth, the 422 of a PUT). */
export const JWKS_FAILURE_CAUSES = [
  'tls',
  'dns',
  'connect',
  'timeout',
  'status',
  'too_large',
  'not_json',
  'no_usable_keys',
  'forbidden_address',
  'not_https',
  'forbidden_port',
] as const;
export type JwksFailureCause = (typeof JWKS_FAILURE_CAUSES)[number];

const CAUSE_WORDS: Record<JwksFailureCause, string> = {
  tls: 'its TLS certificate is not trusted (untrusted issuer, expired, or for another host name)',
  dns: 'its host name does not resolve',
  connect: 'the connection was refused or reset',
  timeout: 'it did not answer in time',
  status: 'it answered with an HTTP status other than 200',
  too_large: 'its answer is larger than 64 KB',
  not_json: 'its answer is not a JSON key set ({"keys": [...]})',
  no_usable_keys: "it holds no key usable with the issuer's algorithms",
  forbidden_address: 'it is at an address Callpass may not call (loopback, private, link-local or metadata)',
  not_https: 'it is not an https URL',
  forbidden_port: "it is on a port other than https's 443, which Callpass calls only on hosts the operator allows",
};

export class JwksFetchError extends Error {
  override readonly name = 'JwksFetchError';

  constructor(
    readonly reason: JwksFailureCause,
    readonly status?: number,
    detail?: string,
  ) {
    super(`${CAUSE_WORDS[reason]}${status ? ` (${status})` : ''}${detail ? `: ${detail}` : ''}`);
  }

  /** The cause in words, for a person: no internal detail. */
  get words(): string {
    return `${CAUSE_WORDS[this.reason]}${this.status ? ` (HTTP ${this.status})` : ''}`;
  }
}

export interface FetchedJwks {
  jwks: JSONWebKeySet;
  /** The answer's Cache-Control max-age (0 for no-store or no-cache), when it has one. */
  maxAgeSeconds?: number;
}

/**
 * Fetches an issuer's JWKS through the outbound guard (no private addresses at connect time but the operator's
 * listed ones, https only unless private URLs are allowed, port 443 only in production unless the host is listed),
 * never following redirects (undici's request does not), with the body cut at 64 KB. Every failure is a
 * JwksFetchError naming its cause.
 */
export async function fetchJwks(outbound: OutboundPolicyService, url: string, signal: AbortSignal): Promise<FetchedJwks> {
  const refused = outbound.jwksRequestProblem(new URL(url));
  if (refused) throw new JwksFetchError(refused);
  let body: Buffer;
  let cacheControl: string | string[] | undefined;
  try {
    const response = await request(url, {
      method: 'GET',
      headers: { accept: 'application/json, application/jwk-set+json' },
      signal,
      dispatcher: outbound.dispatcher,
    });
    if (response.statusCode !== 200) {
      await response.body.dump().catch(() => undefined);
      throw new JwksFetchError('status', response.statusCode);
    }
    cacheControl = response.headers['cache-control'];
    body = await readCapped(response.body, MAX_JWKS_BYTES).catch((error: unknown) => {
      response.body.destroy();
      throw error instanceof BodyTooLargeError ? new JwksFetchError('too_large') : error;
    });
  } catch (error) {
    throw error instanceof JwksFetchError ? error : new JwksFetchError(transportCause(error), undefined, describe(error));
  }
  let jwks: unknown;
  try {
    jwks = JSON.parse(body.toString('utf8'));
  } catch {
    throw new JwksFetchError('not_json');
  }
  if (!isKeySet(jwks)) throw new JwksFetchError('not_json');
  return { jwks, maxAgeSeconds: maxAge(cacheControl) };
}

/** The key ids of the keys usable with `algorithms` (a key without a kid counts as ""); none usable is a failure. */
export function usableKeyIds(jwks: JSONWebKeySet, algorithms: string[]): string[] {
  const usable = usableKeys(jwks, algorithms);
  if (usable.length === 0) throw new JwksFetchError('no_usable_keys');
  return usable.map((key) => key.kid ?? '');
}

/** The keys of a set that can verify tokens of `algorithms`: the ones tokens are verified with. */
export function usableKeys(jwks: JSONWebKeySet, algorithms: string[]): JWK[] {
  return jwks.keys.filter((key) => usableWith(key, algorithms));
}

function usableWith(key: JWK, algorithms: string[]): boolean {
  if (key.use !== undefined && key.use !== 'sig') return false;
  if (key.key_ops !== undefined && !key.key_ops.includes('verify')) return false;
  const verifies = algorithmsOfJwk(key);
  if (key.alg !== undefined) return algorithms.includes(key.alg) && verifies.includes(key.alg);
  return verifies.some((algorithm) => algorithms.includes(algorithm));
}

function isKeySet(value: unknown): value is JSONWebKeySet {
  if (typeof value !== 'object' || value === null || !Array.isArray((value as { keys?: unknown }).keys)) return false;
  return (value as { keys: unknown[] }).keys.every((key) => typeof key === 'object' && key !== null && !Array.isArray(key));
}

function maxAge(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return undefined;
  if (/(^|,)\s*(no-store|no-cache)\s*(,|$)/i.test(value)) return 0;
  const match = /(^|,)\s*max-age\s*=\s*"?(\d+)"?/i.exec(value);
  return match ? Number(match[2]) : undefined;
}

function describe(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  return [code, message].filter(Boolean).join(' ');
}
