import { createHash } from 'node:crypto';

/** The two logs that are chained. */
export type ChainLog = 'token_issuances' | 'audit_events';
export const CHAIN_LOGS: readonly ChainLog[] = ['token_issuances', 'audit_events'];

/** The chain of rows that belong to no tenant (refusals of callers who named none, admin changes). */
export const NO_TENANT_CHAIN = '00000000-0000-0000-0000-000000000000';
/** What the first row of a chain links to. */
export const GENESIS_HASH = '0'.repeat(64);

/** The chain of a row: its tenant's (ids in any case name the same tenant), or that of rows of no tenant. */
export function chainOf(tenantId: string | null | undefined): string {
  return tenantId?.toLowerCase() ?? NO_TENANT_CHAIN;
}

/**
 * The documented canonical encoding: JSON with no whitespace, object keys sorted at every depth (keys with no value
 * left out), dates as ISO-8601 in UTC with milliseconds, absent column values as null, unpaired surrogates as U+FFFD.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalize(value));
}

function normalize(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  // Stored as U+FFFD, so the hash must see that too.
  if (typeof value === 'string') return value.toWellFormed();
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value === 'object') {
    const object = value as Record<string, unknown>;
    const normalized: Record<string, unknown> = {};
    // A stored JSON object has no key whose value was undefined: neither has its encoding.
    for (const key of Object.keys(object).sort()) if (object[key] !== undefined) normalized[key] = normalize(object[key]);
    return normalized;
  }
  return value;
}

/**
 * A row's link: SHA-256 (hex) of the previous row's hash, the chain (tenant id), the row's position in it and the
 * canonical encoding of its content, separated by newlines. Changing, removing, reordering or inserting a row
 * breaks every later link.
 */
export function linkHash(previousHash: string, chainId: string, seq: bigint, content: unknown[]): string {
  return createHash('sha256')
    .update(`${previousHash}\n${chainId}\n${seq}\n${canonicalJson(content)}`)
    .digest('hex');
}

/** Where a row sits in its chain, stored with it. */
export interface ChainLink {
  chainId: string;
  seq: bigint;
  prev: string;
  hash: string;
}
