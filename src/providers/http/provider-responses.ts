import { ErrorDetails } from '../../common/errors/app-error';
import { providerErrors } from '../providers.errors';
import { ProviderResponse } from './provider-http-client';
import { scrubSecrets } from './secret-scrubber';

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
  for (const [field, value] of fields) {
    if (value === undefined || value === null) continue;
    const text = (typeof value === 'string' ? value : JSON.stringify(value)).slice(0, MAX_INPUT);
    const safe = scrubSecrets(text, response.secrets).replace(/\s+/g, ' ').trim().slice(0, LIMITS[field]);
    if (safe) details[field] = safe;
  }
  return details;
}

/** A 4xx the adapter did not expect: the provider refused what the tenant's settings made Callpass send. */
export function rejected(provider: string, response: ProviderResponse, answer: ProviderAnswer) {
  return providerErrors.provider_rejected_request({ provider, ...providerDetails(response, answer) });
}

/** Reads a string field of a provider's JSON answer, or fails with provider_bad_response. */
export function requireString(provider: string, body: unknown, field: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[field];
  if (typeof value !== 'string' || value.length === 0) throw providerErrors.provider_bad_response({ provider, missing: field });
  return value;
}
