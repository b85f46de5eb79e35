import { CAPABILITIES, CapabilityName } from '../provider-accounts/dto/capabilities';
import { TokenTtlDto } from '../tenants/dto/token-ttl.dto';
import { issuanceErrors } from './issuance.errors';

/** Lifetime when neither the request, the account nor the tenant names one: short, and refreshed by the client. */
export const DEFAULT_TTL_SECONDS = 600;

/**
 * The lifetime to mint: the request's, else the account's default, else the tenant's, else 10 minutes, then cut
 * to the smallest of the provider's, the tenant's and the account's maximum. Too long a request is shortened
 * (as Vault truncates a TTL to the mount maximum), never refused: the response's expiresAt says what was granted.
 */
export function resolveTtl(requested: number | undefined, tenant: TokenTtlDto = {}, account: TokenTtlDto = {}, providerMax: number): number {
  return Math.min(requested ?? account.defaultSeconds ?? tenant.defaultSeconds ?? DEFAULT_TTL_SECONDS, ttlCeiling(tenant, account, providerMax));
}

/** The longest lifetime any token may have here: the smallest of the provider's, the tenant's and the account's maximum. */
export function ttlCeiling(tenant: TokenTtlDto = {}, account: TokenTtlDto = {}, providerMax: number): number {
  return Math.min(providerMax, tenant.maxSeconds ?? providerMax, account.maxSeconds ?? providerMax);
}

/**
 * The capabilities a token will convey. Requests may only narrow what both the endpoint and the account allow;
 * token kinds that cannot be narrowed (`fixed`) are minted only if everything they convey is allowed.
 */
export function grantCapabilities(
  requested: CapabilityName[] | undefined,
  endpoint: readonly string[],
  account: readonly string[] | undefined,
  fixed: readonly CapabilityName[] | undefined,
): CapabilityName[] {
  const allowed = CAPABILITIES.filter((capability) => endpoint.includes(capability) && (account ?? CAPABILITIES).includes(capability));
  if (fixed && requested?.some((capability) => !fixed.includes(capability))) {
    throw issuanceErrors.capability_not_supported({ requested, conveys: fixed });
  }
  const conveyed = fixed ?? requested ?? allowed;
  if (conveyed.length === 0 || conveyed.some((capability) => !allowed.includes(capability))) {
    throw issuanceErrors.capability_not_allowed({ requested: conveyed, allowed });
  }
  return [...conveyed];
}

/**
 * When the client should fetch its next token: a fifth of the lifetime before expiry (between 30 s and 5 min),
 * which leaves room for clock skew and a slow network. Never in the past.
 */
export function refreshAfter(now: Date, expiresAt: Date): Date {
  const lifetime = expiresAt.getTime() - now.getTime();
  const margin = Math.min(Math.max(lifetime / 5, 30_000), 300_000);
  return new Date(Math.max(now.getTime(), expiresAt.getTime() - margin));
}
