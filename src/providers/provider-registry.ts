import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { CallingProvider, ProviderAdapter } from './provider-adapter';
import { providerErrors } from './providers.errors';

/** Every provider adapter in the application, by name. Built once at startup. */
@Injectable()
export class ProviderRegistry implements OnModuleInit {
  private readonly adapters = new Map<string, ProviderAdapter>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: CallingProvider.KEY })) {
      const adapter = wrapper.instance as ProviderAdapter;
      if (this.adapters.has(adapter.name)) throw new Error(`Two adapters claim provider ${adapter.name}`);
      this.adapters.set(adapter.name, adapter);
    }
  }

  get(name: string): ProviderAdapter {
    const adapter = this.adapters.get(name);
    if (!adapter) throw providerErrors.provider_not_supported({ provider: name, supported: this.names() });
    return adapter;
  }

  /** Whether `provider` has a token kind named `kind` (a name a caller sent is only a label once it is known). */
  hasTokenKind(provider: string, kind: string): boolean {
    return Object.hasOwn(this.adapters.get(provider)?.tokenKinds ?? {}, kind);
  }

  /** Tells every adapter to drop what it caches for an account that changed or was deleted. */
  forgetAccount(accountId: string): void {
    for (const adapter of this.adapters.values()) adapter.forgetAccount?.(accountId);
  }

  names(): string[] {
    return [...this.adapters.keys()].sort();
  }
}
