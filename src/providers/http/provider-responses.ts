import { ProviderResponse } from './provider-http-client';
import { providerErrors } from '../providers.errors';

/** At most this much of a provider's error text reaches a response. */
const MAX_MESSAGE = 200;

/**
 * A provider's own error text, flattened to one line and shortened. A provider may quote what it was sent, so
 * every secret that went with the request is cut out first.
 */
export function providerMessage(value: unknown, sentSecrets: (string | undefined)[]): string | undefined {
  if (value === undefined || value === null) return undefined;
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  for (const secret of sentSecrets) if (secret && secret.length >= 6) text = text.split(secret).join('[redacted]');
  return text.replace(/\s+/g, ' ').slice(0, MAX_MESSAGE);
}

/** A 4xx the adapter did not expect: the provider refused what the tenant's settings made Callpass send. */
export function rejected(provider: string, response: ProviderResponse, message: unknown, sentSecrets: (string | undefined)[]) {
  return providerErrors.provider_rejected_request({
    provider,
    providerStatus: response.status,
    providerMessage: providerMessage(message, sentSecrets),
  });
}

/** Reads a string field of a provider's JSON answer, or fails with provider_bad_response. */
export function requireString(provider: string, body: unknown, field: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[field];
  if (typeof value !== 'string' || value.length === 0) throw providerErrors.provider_bad_response({ provider, missing: field });
  return value;
}
