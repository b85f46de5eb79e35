import { createHash, createHmac } from 'node:crypto';

/**
 * A compact HS256 JWS. Header and payload are serialised in the key order given, so a token can match another
 * library's output byte for byte. node:crypto HMAC costs microseconds; jsonwebtoken re-derives its key per call.
 */
export function signHs256(header: object, payload: object, secret: string): string {
  const signingInput = `${base64url(header)}.${base64url(payload)}`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
}

/** Decodes a JWS's header and payload without verifying it (tests, emulators, reading provider tokens). */
export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } | undefined {
  const [header, payload] = token.split('.');
  try {
    return {
      header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>,
      payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>,
    };
  } catch {
    return undefined;
  }
}

/** What the audit log keeps of a token that has no id of its own: enough to recognise it, useless to replay. */
export function tokenFingerprint(token: string): string {
  return `sha256:${createHash('sha256').update(token).digest('hex').slice(0, 32)}`;
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
