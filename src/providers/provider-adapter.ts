import { DiscoveryService } from '@nestjs/core';
import { ClassConstructor } from 'class-transformer';
import { CapabilityName } from './capabilities';

/** One kind of token a provider mints (Twilio: access_token, capability_token; SignalWire: subscriber, guest, …). */
export interface TokenKind {
  /** Provider-specific request options for this kind (`options` in POST /v1/tokens); unknown fields are refused. */
  optionsSchema?: ClassConstructor<object>;
  /**
   * Capabilities the token conveys whatever is asked, when it cannot be narrowed (a SignalWire subscriber SAT
   * both places and receives calls). Omitted: the token conveys exactly the capabilities granted.
   */
  fixedCapabilities?: readonly CapabilityName[];
  /** Options an end user may set on the browser route (those that only narrow the token); default none. */
  endUserOptions?: readonly string[];
  /**
   * Options a tenant may let its end users set too (the account's `policy.endUserOptions`): they do more than
   * narrow the token, so each is the tenant's explicit choice (SignalWire's `fingerprint`: a client-bound SAT).
   */
  delegableOptions?: readonly string[];
  /** Minted for an account as a whole, never for an endpoint (a public click-to-call embed's guest token). */
  accountLevel?: boolean;
}

/** A provider account opened for a call: its settings and decrypted secrets (kept in memory briefly, never stored). */
export interface AccountContext<Config = object, Secrets = object> {
  id: string;
  /** Moves with every change of the account: caches keyed by account use it as their version. */
  updatedAt: Date;
  config: Config;
  secrets: Secrets;
  /** The account's base URL override, or undefined for the provider's own host. */
  baseUrl?: string;
}

/** Everything an adapter needs to mint one token. Secrets arrive per call and must not be kept. */
export interface MintRequest<Config = object, Secrets = object> {
  kind: string;
  /** Id of this issuance, also the id the caller sees. */
  tokenId: string;
  account: AccountContext<Config, Secrets>;
  /** The endpoint's identity; empty for account-level kinds. */
  identity: string;
  capabilities: CapabilityName[];
  ttlSeconds: number;
  /** The policy's ceiling on lifetime: a provider that sets its own lifetime must not hand out a longer one. */
  maxTtlSeconds: number;
  now: Date;
  /** The endpoint's provider-specific settings (e.g. SignalWire allowed addresses). */
  endpointData: Record<string, unknown>;
  options: object;
}

export interface MintedToken {
  token: string;
  expiresAt: Date;
  /** A unique id the provider gave the token (Bandwidth's access_token_id); otherwise Callpass hashes the token. */
  providerTokenId?: string;
  /** What the token allows, as recorded in the audit row (no secrets, no token). */
  grants: Record<string, unknown>;
  /** Extra response fields for the caller (e.g. subscriberId). */
  extras?: Record<string, unknown>;
  /** A refresh credential Callpass keeps (encrypted) so the caller can refresh via POST /v1/tokens/:id/refresh. */
  refresh?: { secret: string; expiresAt: Date };
}

/** The result of creating the user at the provider when an endpoint is created (Plivo endpoints). */
export interface ProvisionedEndpoint {
  identity: string;
  endpointData: Record<string, unknown>;
  /** Config changes to store on the account (e.g. an application created on first use). */
  accountConfig?: Record<string, unknown>;
}

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
  /** Provider-specific endpoint settings (`providerOptions` on endpoints), if any. */
  readonly endpointOptionsSchema?: ClassConstructor<object>;
  /**
   * Config fields that decide where the secrets are sent (a host or region), like `baseUrl`: changing one requires
   * sending the complete secrets again, so a leaked tenant key alone cannot redirect them.
   */
  readonly destinationConfigFields: readonly string[];
  readonly tokenKinds: Record<string, TokenKind>;
  readonly defaultTokenKind: string;
  /** The provider's own ceiling on token lifetime; no policy can exceed it. */
  readonly maxTtlSeconds: number;
  /** The provider's own default lifetime, where neither the tenant nor the account sets one (else 10 minutes). */
  readonly defaultTtlSeconds?: number;

  /** Why `identity` cannot name an end user at this provider, or undefined if it can. */
  identityProblem(identity: string): string | undefined;
  mint(request: MintRequest<Config, Secrets>): Promise<MintedToken>;
  /** Exchanges a kept refresh credential for a new token (and a new refresh credential). */
  refresh?(
    request: Omit<MintRequest<Config, Secrets>, 'options' | 'capabilities' | 'ttlSeconds'> & { refreshSecret: string },
  ): Promise<MintedToken>;
  /** Creates the user at the provider, when the endpoint asks for it (`providerOptions.provision`). */
  provisionEndpoint?(request: {
    account: AccountContext<Config, Secrets>;
    identity: string;
    options: object;
  }): Promise<ProvisionedEndpoint>;
  /**
   * The identity at the provider of a user the tenant names in `providerOptions` (one Callpass did not create), read
   * from the provider when the endpoint is created or its options change, so the identity cannot be made up.
   */
  resolveEndpoint?(request: { account: AccountContext<Config, Secrets>; options: object }): Promise<{ identity: string }>;
  /** Removes what `provisionEndpoint` created. */
  deprovisionEndpoint?(request: { account: AccountContext<Config, Secrets>; endpointData: Record<string, unknown> }): Promise<void>;
  /** Drops whatever the adapter caches for an account that changed or was deleted. */
  forgetAccount?(accountId: string): void;
}

/** Marks a class as a provider adapter for the registry to discover. */
export const CallingProvider = DiscoveryService.createDecorator<void>();
