import { ModuleRef } from '@nestjs/core';
import { AppConfig } from '../../src/config/app-config';
import { MetricsService } from '../../src/metrics/metrics';
import { systemResolver } from '../../src/outbound/guarded-dispatcher';
import { OutboundPolicyService } from '../../src/outbound/outbound-policy';
import { ProviderHttpClient } from '../../src/providers/http/provider-http-client';
import { RedisChannelsService } from '../../src/redis/redis-channels';
import { FakeClock } from './fake-clock';
import { testEncryptionKey } from './test-app';

/**
 * The real provider HTTP client (retries, breakers, the outbound guard) outside Nest, for adapter-level specs that
 * call an emulator on loopback. No Redis: circuits are this process's own.
 */
export function providerHttpClient(clock = new FakeClock()): ProviderHttpClient {
  const config = AppConfig.fromEnvironment({ NODE_ENV: 'test', ENCRYPTION_KEYS: testEncryptionKey(), ALLOW_PRIVATE_NETWORK_URLS: 'true' });
  const registry = { names: () => [] };
  return new ProviderHttpClient(
    config,
    clock,
    new OutboundPolicyService(config, systemResolver, []),
    new MetricsService(),
    new RedisChannelsService(undefined),
    {
      get: () => registry,
    } as unknown as ModuleRef,
  );
}
