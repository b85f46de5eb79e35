import { Module } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { configureApp, createHttpAdapter } from '../../src/app.setup';
import { ClientOriginsService } from '../../src/origins/client-origins.service';
import { createLogger } from '../../src/common/logging/logger';
import { DrainService } from '../../src/health/drain';
import { TokenRouteRefusalsObserver } from '../../src/issuance/token-route-refusals';
import { ClientLimitsService } from '../../src/rate-limits/client-limits';
import { RateLimitsService } from '../../src/rate-limits/rate-limits';

/** What configureApp takes from AppModule: the refusal records, the limits and their refunds, CORS and the drain. */
const PARTS = [TokenRouteRefusalsObserver, ClientLimitsService, RateLimitsService, ClientOriginsService, DrainService];

/**
 * configureApp applies every part of the HTTP set-up or refuses to start: an app built without one of the providers
 * it needs must not come up serving without its CORS, its limits, its refusal records or its drain.
 */
describe('configureApp', () => {
  it.each(PARTS.map((part) => [part.name, part] as const))('refuses to start an app without %s, naming it', async (name, missing) => {
    @Module({ providers: PARTS.filter((part) => part !== missing).map((part) => ({ provide: part, useValue: {} })) })
    class WithoutOnePart {}
    const moduleRef = await Test.createTestingModule({ imports: [WithoutOnePart] }).compile();
    const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(createLogger('silent')));
    try {
      await expect(configureApp(app)).rejects.toThrow(new RegExp(`\\b${name}\\b`));
    } finally {
      await app.close();
    }
  });
});
