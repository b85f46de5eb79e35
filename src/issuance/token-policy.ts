import { endUserErrors } from '../end-users/end-users.errors';
import { CAPABILITIES, CapabilityName } from '../providers/capabilities';
import { providerErrors } from '../providers/providers.errors';
import { MintedToken, ProviderAdapter, TokenKind } from '../providers/provider-adapter';
import { MIN_TTL_SECONDS, TokenTtlDto } from '../tenants/dto/token-ttl.dto';
import type { IssuanceCaller } from './issuance-caller';
import { issuanceErrors } from './issuance.errors';

/** Lifetime when neither the request, the account nor the tenant names one: short, and refreshed by the client. */
export const DEFAULT_TTL_SECONDS = 600;

/** A token's lifetime bounds: what to grant when none is asked, and the most any token may live. */
export interface TtlLimits {
  defaultSeconds: number;
  maxSeconds: number;
}

/**
 * The default is the account's, else the tenant's, else the provider's own, else 10 minutes; the maximum is the
 * smallest of the provider's, the tenant's and the account's. The default never exceeds the maximum.
 */
export function ttlLimits(
  tenant: TokenTtlDto = {},
  account: TokenTtlDto = {},
  provider: Pick<ProviderAdapter, 'maxTtlSeconds' | 'defaultTtlSeconds'>,
): TtlLimits {
  const providerMax = provider.maxTtlSeconds;
  const maxSeconds = Math.min(providerMax, tenant.maxSeconds ?? providerMax, account.maxSeconds ?? providerMax);
  const defaultSeconds = account.defaultSeconds ?? tenant.defaultSeconds ?? provider.defaultTtlSeconds ?? DEFAULT_TTL_SECONDS;
  return { defaultSeconds: Math.min(defaultSeconds, maxSeconds), maxSeconds };
}

/**
 * The limits for a token asked for with an end user's credential (a session, an IdP token): no token, minted or
 * refreshed, outlives the credential, though the maximum is never cut below the minimum lifetime. Without a
 * credential (the tenant's backend asking) the limits are unchanged.
 */
export function credentialLimits(limits: TtlLimits, credentialSecondsLeft?: number): TtlLimits {
  if (credentialSecondsLeft === undefined) return limits;
  const maxSeconds = Math.min(limits.maxSeconds, Math.max(MIN_TTL_SECONDS, credentialSecondsLeft));
  return { defaultSeconds: Math.min(limits.defaultSeconds, maxSeconds), maxSeconds };
}

/**
 * The lifetime to mint. Too long a request is shortened to the maximum (as Vault truncates a TTL to the mount
 * maximum), never refused: the response's expiresAt says what was granted. An end user's token does not outlive the
 * credential it was asked with (see credentialLimits).
 */
export function resolveTtl(requested: number | undefined, limits: TtlLimits, credentialSecondsLeft?: number): number {
  const capped = credentialLimits(limits, credentialSecondsLeft);
  return Math.min(requested ?? capped.defaultSeconds, capped.maxSeconds);
}

/** What may be granted: each list narrows the others; an undefined or empty `caller` list does not narrow. */
export interface CapabilityLimits {
  endpoint: readonly string[];
  account?: readonly string[];
  /** The caller's own grant (an end-user session narrowed by the tenant's backend). */
  caller?: readonly string[];
}

/**
 * The capabilities a token will convey. Requests may only narrow what the endpoint, the account and the caller all
 * allow; token kinds that cannot be narrowed (`fixed`) are minted only if everything they convey is allowed.
 */
export function grantCapabilities(
  requested: CapabilityName[] | undefined,
  limits: CapabilityLimits,
  fixed: readonly CapabilityName[] | undefined,
): CapabilityName[] {
  const caller = limits.caller?.length ? limits.caller : CAPABILITIES;
  const allowed = CAPABILITIES.filter(
    (capability) =>
      limits.endpoint.includes(capability) && (limits.account ?? CAPABILITIES).includes(capability) && caller.includes(capability),
  );
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

/** A provider that sets the lifetime itself (Bandwidth's OAuth tokens, embeds) may exceed the policy; such a token does not go out. */
export function checkLifetime(issuedAt: Date, minted: MintedToken, limits: TtlLimits): void {
  const lifetimeSeconds = Math.ceil((minted.expiresAt.getTime() - issuedAt.getTime()) / 1000);
  // Written to fail closed: an unreadable expiry (NaN) is refused too.
  if (!(lifetimeSeconds <= limits.maxSeconds)) {
    throw providerErrors.lifetime_exceeds_policy({ providerLifetimeSeconds: lifetimeSeconds, maxSeconds: limits.maxSeconds });
  }
}

/** A session bound to one provider account mints and refreshes there only. */
export function checkAccountBinding(caller: IssuanceCaller, accountId: string): void {
  const bound = caller.grant?.providerAccountId;
  if (bound && bound !== accountId) throw endUserErrors.session_scope_exceeded();
}

/**
 * An end user may set only the options a kind lets them (narrowing ones, like a guest token's addresses) and those
 * of the kind's delegable ones the account's policy adds; the rest shape what the tenant's backend or the provider
 * trusts (Twilio's outgoingParams reach the TwiML app as signed).
 */
export function checkEndUserOptions(
  kind: TokenKind,
  accountAllows: readonly string[] | undefined,
  options: Record<string, unknown> | undefined,
): void {
  const delegated = (accountAllows ?? []).filter((name) => kind.delegableOptions?.includes(name));
  const allowed = [...(kind.endUserOptions ?? []), ...delegated];
  const refused = Object.keys(options ?? {}).filter((name) => !allowed.includes(name));
  if (refused.length) throw issuanceErrors.option_not_allowed({ options: refused });
}

export function secondsUntil(at: Date, now: Date): number {
  return Math.floor((at.getTime() - now.getTime()) / 1000);
}
