import { ProviderResponse } from './provider-http-client';
import { providerErrors } from '../providers.errors';

/** At most this much of a provider's error text reaches a response (it may quote the request, never a secret). */
const MAX_MESSAGE = 200;

/** A provider's own error text, shortened and flattened to one line. */
export function providerMessage(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.replace(/\s+/g, ' ').slice(0, MAX_MESSAGE);
}

/** A 4xx the adapter did not expect: the provider refused what the tenant's settings made Callpass send. */
export function rejected(provider: string, response: ProviderResponse, message: unknown) {
  return providerErrors.provider_rejected_request({ provider, providerStatus: response.status, providerMessage: providerMessage(message) });
}

/** Reads a string field of a provider's JSON answer, or fails with provider_bad_response. */
export function requireString(provider: string, body: unknown, field: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[field];
  if (typeof value !== 'string' || value.length === 0) throw providerErrors.provider_bad_response({ provider, missing: field });
  return value;
}
