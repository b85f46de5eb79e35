import { randomBytes } from 'node:crypto';
import type { Test } from 'supertest';
import { Prisma } from '../../src/generated/prisma/client';
import { EmulatorServer } from '../../src/providers/emulator/emulator-server';
import { EmulatedAccount } from '../../src/providers/provider-kit';
import { Emulators, startEmulators } from '../../src/sandbox/emulators';
import { createTenant, TestTenant } from '../factories/tenant.factory';
import { FakeClock } from './fake-clock';
import { bearer, createTestApp, TestApp, TestAppOptions } from './test-app';

/** An app, a tenant and every provider's emulator, all on one fake clock. */
export interface IssuingContext {
  t: TestApp;
  tenant: TestTenant;
  emulators: Emulators;
  clock: FakeClock;
  /** POST /v1/tokens as the tenant. */
  issue(body: Record<string, unknown>): Test;
  createAccount(account: EmulatedAccount, overrides?: Record<string, unknown>): Promise<string>;
  createEndpoint(
    providerAccountId: string,
    overrides?: Record<string, unknown>,
  ): Promise<Record<string, unknown> & { id: string; identity: string }>;
  close(): Promise<void>;
}

export async function createIssuingContext(options: TestAppOptions = {}): Promise<IssuingContext> {
  const clock = options.clock ?? new FakeClock();
  const emulators = await startEmulators({ now: () => clock.now() });
  let t: TestApp | undefined;
  let tenant: TestTenant;
  try {
    t = await createTestApp({ ...options, clock });
    tenant = await createTenant(t);
  } catch (error) {
    await t?.close().catch(() => undefined);
    await emulators.close();
    throw error;
  }
  return {
    t,
    tenant,
    emulators,
    clock,
    issue: (body) => t.http.post('/v1/tokens').set(bearer(tenant.key)).send(body),
    createAccount: async ({ provider, baseUrl, config, secrets }, overrides = {}) => {
      const response = await t.http
        .post('/v1/provider-accounts')
        .set(bearer(tenant.key))
        .send({ provider, baseUrl, config, secrets, name: `${provider}-${randomBytes(3).toString('hex')}`, ...overrides });
      if (response.status !== 201) throw new Error(`account not created: ${JSON.stringify(response.body)}`);
      return response.body.id as string;
    },
    createEndpoint: async (providerAccountId, overrides = {}) => {
      const response = await t.http
        .post('/v1/endpoints')
        .set(bearer(tenant.key))
        .send({
          providerAccountId,
          userId: `user_${randomBytes(4).toString('hex')}`,
          capabilities: ['incoming', 'outgoing'],
          ...overrides,
        });
      if (response.status !== 201) throw new Error(`endpoint not created: ${JSON.stringify(response.body)}`);
      return response.body;
    },
    close: async () => {
      await t.close();
      await emulators.close();
    },
  };
}

/** What `GET /v1/admin/audit/verify` finds of one tenant's chains (the context's own tenant unless named). */
export async function auditVerification(ctx: IssuingContext, tenantId = ctx.tenant.id): Promise<{ intact: boolean }> {
  const answer = await ctx.t.http.get('/v1/admin/audit/verify').query({ tenantId }).set(bearer(ctx.t.adminKey)).expect(200);
  return answer.body as { intact: boolean };
}

/** The tenant's token log rows matching `where`, newest first. */
export function issuanceRows(ctx: IssuingContext, where: Prisma.TokenIssuanceWhereInput = {}) {
  return ctx.t.prisma.tokenIssuance.findMany({
    where: { ...where, tenantId: ctx.tenant.id },
    orderBy: [{ issuedAt: 'desc' }, { id: 'desc' }],
  });
}

/**
 * Runs a request the emulator will not answer (a `hang` fault): once the emulator has it, the clock passes the
 * provider call's timeout (3 s), and the request's answer comes back.
 */
export async function waitingOutHang<T>(clock: FakeClock, emulator: EmulatorServer, run: () => PromiseLike<T>): Promise<T> {
  const arrivals = emulator.receivedCount;
  const pending = Promise.resolve(run());
  await emulator.received(arrivals + 1);
  clock.advance(3_000);
  return pending;
}
