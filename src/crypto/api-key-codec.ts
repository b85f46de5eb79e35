import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

export type ApiKeyKind = 'admin' | 'tenant' | 'service';

/** Prefixes name the key's kind, so a leaked key is recognisable (and scanner-friendly) on sight. */
const API_KEY_PREFIXES: Record<ApiKeyKind, string> = {
  admin: 'cp_admin_',
  tenant: 'cp_tenant_',
  service: 'cp_svc_',
};

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 32 random bytes (256 bits) need 43 base62 digits. */
const BODY_LENGTH = 43;
const CHECKSUM_LENGTH = 6;
/** Matches any Callpass API key; secret scanners can use this plus the CRC32 check. */
export const API_KEY_PATTERN = /^cp_(admin|tenant|svc)_([0-9A-Za-z]{49})$/;
/** End-user session credentials: same shape, their own prefix, never accepted as an API key. */
const SESSION_PREFIX = 'cp_sess_';
const SESSION_PATTERN = /^cp_sess_([0-9A-Za-z]{49})$/;

function toBase62(value: bigint, length: number): string {
  let out = '';
  for (let rest = value; rest > 0n; rest /= 62n) out = BASE62[Number(rest % 62n)] + out;
  return out.padStart(length, '0');
}

function checksum(prefixAndBody: string): string {
  return toBase62(BigInt(crc32(prefixAndBody)), CHECKSUM_LENGTH);
}

export interface GeneratedApiKey {
  /** The full key: shown to the caller once, never stored. */
  key: string;
  /** Non-secret leading part, stored and shown in listings to tell keys apart. */
  prefix: string;
  secretHash: string;
}

export function generateApiKey(kind: ApiKeyKind): GeneratedApiKey {
  return generateCredential(API_KEY_PREFIXES[kind]);
}

/** A new end-user session credential (`cp_sess_…`). */
export function generateSessionCredential(): GeneratedApiKey {
  return generateCredential(SESSION_PREFIX);
}

function generateCredential(prefix: string): GeneratedApiKey {
  const body = toBase62(BigInt(`0x${randomBytes(32).toString('hex')}`), BODY_LENGTH);
  const key = `${prefix}${body}${checksum(prefix + body)}`;
  return { key, prefix: displayPrefix(key), secretHash: hashApiKey(key) };
}

/** Whether `credential` is a well-formed session credential with a matching checksum. Costs no database query. */
export function isSessionCredential(credential: string): boolean {
  const match = SESSION_PATTERN.exec(credential);
  return Boolean(match) && hasValidChecksum(SESSION_PREFIX, match![1]);
}

function hasValidChecksum(prefix: string, bodyAndChecksum: string): boolean {
  return checksum(prefix + bodyAndChecksum.slice(0, BODY_LENGTH)) === bodyAndChecksum.slice(BODY_LENGTH);
}

/** The kind prefix plus 8 characters: enough to tell keys apart in listings, useless to an attacker. */
export function displayPrefix(key: string): string {
  return key.slice(0, key.indexOf('_', 3) + 1 + 8);
}

/** The kind of a well-formed key whose checksum matches, else undefined. Costs no database query. */
export function parseApiKey(key: string): ApiKeyKind | undefined {
  const match = API_KEY_PATTERN.exec(key);
  if (!match) return undefined;
  const prefix = `cp_${match[1]}_`;
  if (!hasValidChecksum(prefix, match[2])) return undefined;
  return (Object.keys(API_KEY_PREFIXES) as ApiKeyKind[]).find((kind) => API_KEY_PREFIXES[kind] === prefix);
}

/** SHA-256 is enough for 256-bit random keys: there is nothing to brute-force, so no slow KDF. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
