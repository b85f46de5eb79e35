import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { PROVIDER_KITS } from './provider-kits';
import { ProviderRegistry } from './provider-registry';

/** Every provider's adapter module, from the kits; the registry finds the adapters in them. */
@Module({
  imports: [DiscoveryModule, ...PROVIDER_KITS.map((kit) => kit.module)],
  providers: [ProviderRegistry],
  exports: [ProviderRegistry],
})
export class ProvidersModule {}
