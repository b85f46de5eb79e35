import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { PROVIDERS } from './provider-list';
import { ProviderRegistry } from './provider-registry';

/** Every provider's adapter module, from the provider list; the registry finds the adapters in them. */
@Module({
  imports: [DiscoveryModule, ...PROVIDERS.map((provider) => provider.module)],
  providers: [ProviderRegistry],
  exports: [ProviderRegistry],
})
export class ProvidersModule {}
