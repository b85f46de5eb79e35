import { DiscoveryService } from '@nestjs/core';
import { ClassConstructor } from 'class-transformer';

/**
 * What Callpass needs to know about one calling provider. One implementation per folder under `providers/`,
 * marked with `@CallingProvider()`; the registry finds it, so no central list names the providers.
 * Adapters are stateless: credentials arrive with each call and are never kept on the adapter.
 */
export interface ProviderAdapter<Config extends object = object, Secrets extends object = object> {
  /** Stored on provider accounts and used in URLs and audit rows, e.g. "twilio". */
  readonly name: string;
  /** Non-secret account settings (ids, application ids, region). Returned by the API as stored. */
  readonly configSchema: ClassConstructor<Config>;
  /** Secret fields: encrypted at rest, write-only over the API. */
  readonly secretsSchema: ClassConstructor<Secrets>;
  /** Why `identity` cannot name an end user at this provider, or undefined if it can. */
  identityProblem(identity: string): string | undefined;
}

/** Marks a class as a provider adapter for the registry to discover. */
export const CallingProvider = DiscoveryService.createDecorator<void>();
