import { KeyObject, randomUUID, sign } from 'node:crypto';

/**
 * The client ACL of Vonage's guides plus the rtc path its CLI adds (vonage.md §2), each allowing every method.
 * Which of them calling needs is unconfirmed, so none is left out; none narrows calling direction.
 */
export const CLIENT_ACL_PATHS = [
  '/*/users/**',
  '/*/conversations/**',
  '/*/sessions/**',
  '/*/devices/**',
  '/*/image/**',
  '/*/media/**',
  '/*/applications/**',
  '/*/push/**',
  '/*/knocking/**',
  '/*/legs/**',
  '/*/rtc/**',
] as const;

const CLIENT_ACL = { paths: Object.fromEntries(CLIENT_ACL_PATHS.map((path) => [path, {}])) };
const HEADER = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' })).toString('base64url');
/** An admin token serves one provisioning call (with its retries), so it lives 5 minutes. */
const ADMIN_TOKEN_SECONDS = 300;

export interface ClientTokenInput {
  applicationId: string;
  /** The Vonage user's name (not its `USR-…` id, §8). */
  userName: string;
  /** Unique per token: the issuance's id. */
  tokenId: string;
  /** Signing time, whole seconds since the epoch. */
  issuedAt: number;
  ttlSeconds: number;
  key: KeyObject;
}

/**
 * A Client SDK token (`createSession(jwt)`, §2): exactly application_id, sub, acl, iat, jti and an integer exp. No
 * `ttl`, `subject` or other option names leak in as claims, as they do from the SDK helpers (§3).
 */
export function clientToken(input: ClientTokenInput): string {
  return signRs256(
    {
      application_id: input.applicationId,
      sub: input.userName,
      acl: CLIENT_ACL,
      iat: input.issuedAt,
      jti: input.tokenId,
      exp: input.issuedAt + input.ttlSeconds,
    },
    input.key,
  );
}

/** A server-side token for the REST API: the same claims without sub and acl (§2). */
export function adminToken(applicationId: string, issuedAt: number, key: KeyObject): string {
  return signRs256({ application_id: applicationId, iat: issuedAt, jti: randomUUID(), exp: issuedAt + ADMIN_TOKEN_SECONDS }, key);
}

/** A compact RS256 JWS (RSASSA-PKCS1-v1_5 with SHA-256). */
export function signRs256(payload: object, key: KeyObject): string {
  const signingInput = `${HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput), key).toString('base64url')}`;
}
