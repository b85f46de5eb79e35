import { ErrorDetails } from '../../common/errors/app-error';
import { exceedsDepth } from '../../common/validation/json-depth';
import { providerErrors } from '../providers.errors';
import { ProviderResponse } from './provider-http-client';
import { secretScrubber } from './secret-scrubber';

/** What an adapter may pass on from a provider's error body; anything else in it stays out of responses and logs. */
export interface ProviderAnswer {
  /** The provider's own error code, e.g. Bandwidth's `invalid_scope`. */
  code?: unknown;
  message?: unknown;
  /** The request field the provider complained about (SignalWire's `attribute`). */
  attribute?: unknown;
}

const LIMITS = { providerCode: 64, providerMessage: 200, attribute: 64 } as const;
/** Provider text longer than this is cut before scrubbing: the result is shortened far more anyway. */
const MAX_INPUT = 4096;
/** Error fields that are objects are shown as JSON only when this shallow; deeper ones are dropped. */
const MAX_FIELD_DEPTH = 8;
/** Longer than any token a provider issues (a few KB at most): a longer one is a broken or hostile answer. */
const MAX_TOKEN_LENGTH = 8192;

/**
 * The one place a provider's answer becomes error details: only the allow-listed fields, each one line, bounded in
 * length, with every form of every secret the call carried removed (a provider may quote what it was sent).
 */
export function providerDetails(response: ProviderResponse, answer: ProviderAnswer): ErrorDetails {
  const fields: [keyof typeof LIMITS, unknown][] = [
    ['providerCode', answer.code],
    ['providerMessage', answer.message],
    ['attribute', answer.attribute],
  ];
  const details: ErrorDetails = { providerStatus: response.status };
  const scrub = secretScrubber(response.secrets);
  for (const [field, value] of fields) {
    const text = asText(value)?.slice(0, MAX_INPUT);
    if (text === undefined) continue;
    const safe = scrub(text).replace(/\s+/g, ' ').trim().slice(0, LIMITS[field]);
    if (safe) details[field] = safe;
  }
  return details;
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object' && value !== null && !exceedsDepth(value, MAX_FIELD_DEPTH)) return JSON.stringify(value);
  return undefined;
}

/** A 4xx the adapter did not expect: the provider refused what the tenant's settings made Callpass send. */
export function rejected(provider: string, response: ProviderResponse, answer: ProviderAnswer) {
  return providerErrors.provider_rejected_request({ provider, ...providerDetails(response, answer) });
}

/** Reads a string field of a provider's JSON answer (ids, tokens: at most 8 KB), or fails with provider_bad_response. */
export function requireString(provider: string, body: unknown, field: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[field];
  if (typeof value !== 'string' || value.length === 0) throw providerErrors.provider_bad_response({ provider, missing: field });
  if (value.length > MAX_TOKEN_LENGTH) throw providerErrors.provider_bad_response({ provider, tooLong: field });
  return value;
}
