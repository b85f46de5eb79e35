import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import type { Actor, TenantPrincipal } from '../../../src/auth/principal';

/**
 * An upper bound, not a route to ship: the built Callpass (dist/, as `npm start` runs it) with one more route,
 * `POST /token`, registered straight on its Fastify instance, outside Nest's request pipeline. It authenticates the
 * tenant key, counts the key's and the tenant's limits, and mints through the same issuing pipeline and audit as
 * `POST /v1/tokens` (its metrics included), behind the same Fastify hooks (security headers, per-client limits, the
 * log line); it skips what Nest adds per request (the guards, passport, the validation pipes, the error filter). How
 * fast the tenant route could be if its framework cost nothing.
 */
async function main(): Promise<void> {
  const built = (module: string) => import(`../../../dist/${module}.js`);
  const { NestFactory } = await import('@nestjs/core');
  const { AppModule } = await built('app.module');
  const { configureApp, createHttpAdapter } = await built('app.setup');
  const { createLogger } = await built('common/logging/logger');
  const { AppConfig } = await built('config/app-config');
  const { ApiKeyAuthenticatorService } = await built('api-keys/api-key-authenticator.service');
  const { RateLimitsService } = await built('rate-limits/rate-limits');
  const { IssuanceService } = await built('issuance/issuance.service');

  const config = AppConfig.fromEnvironment(process.env);
  const logger = createLogger(config.logLevel, undefined, config.logFormat);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createHttpAdapter(logger, config), { logger: false });
  await configureApp(app);
  const keys = app.get(ApiKeyAuthenticatorService);
  const limits = app.get(RateLimitsService);
  const issuance = app.get(IssuanceService);
  const unlimited = Number.MAX_SAFE_INTEGER;
  app
    .getHttpAdapter()
    .getInstance()
    .post('/token', async (request: FastifyRequest<{ Body: { endpointId: string } }>, reply) => {
      const principal = (await keys.authenticate(request.headers.authorization!.slice('Bearer '.length))) as TenantPrincipal;
      await limits.consume(
        [
          { name: 'key', key: `key:${principal.keyId}`, perMinute: unlimited },
          { name: 'tenant', key: `tenant:${principal.tenantId}`, perMinute: unlimited },
        ],
        request,
      );
      const actor: Actor = { principal, requestId: String(request.id), clientIp: request.ip };
      const { endpointId } = request.body;
      return reply.status(201).send(await issuance.issue(actor, principal.tenantId, { endpointId }, { endpointId }));
    });
  await app.listen(config.port, '127.0.0.1');
}

void main();
