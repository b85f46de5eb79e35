import type { Test } from 'supertest';
import { RefusalTallyService } from '../../src/token-log/refusal-tally';
import { TestTenant } from '../factories/tenant.factory';
import { providerKits } from '../../src/providers/provider-kits';
import { createIssuingContext, IssuingContext } from './issuing';
import { bearer, TestApp, TestAppOptions } from './test-app';
import { startTestIdp, TestIdp } from './test-idp';

/** POST /v1/client/{slug}/tokens with an end user's credential. */
export function clientIssue(t: TestApp, tenant: TestTenant, credential: string, body: Record<string, unknown> = {}): Test {
  return t.http.post(`/v1/client/${tenant.slug}/tokens`).set(bearer(credential)).send(body);
}

/** Configures how the tenant's end users are recognised (PUT /v1/end-user-auth). */
export async function configureEndUserAuth(t: TestApp, tenant: TestTenant, body: { issuers?: object[]; sessions?: boolean }) {
  const response = await t.http
    .put('/v1/end-user-auth')
    .set(bearer(tenant.key))
    .send({ issuers: [], sessions: false, ...body });
  if (response.status !== 200) throw new Error(`end-user auth not set: ${JSON.stringify(response.body)}`);
  return response.body as { issuers: { id: string }[]; sessions: boolean };
}

/** A Callpass session for `userId` (sessions must be on). */
export async function createSession(
  t: TestApp,
  tenant: TestTenant,
  body: Record<string, unknown>,
): Promise<{ id: string; session: string }> {
  const response = await t.http.post('/v1/sessions').set(bearer(tenant.key)).send(body);
  if (response.status !== 201) throw new Error(`session not created: ${JSON.stringify(response.body)}`);
  return response.body;
}

/** Claims valid now on the context's clock for `sub`, from `issuer` for `audience`. */
export function claimsAt(ctx: IssuingContext, issuer: string, sub: string, audience = 'callpass', lifetimeSeconds = 600) {
  const now = Math.floor(ctx.clock.now().getTime() / 1000);
  return { iss: issuer, aud: audience, sub, iat: now, exp: now + lifetimeSeconds };
}

/** Writes the counted refusals so far, and returns the tenant's counted rows by error code. */
export async function countedRefusals(ctx: IssuingContext): Promise<Record<string, number>> {
  await ctx.t.app.get(RefusalTallyService).flush({ all: true });
  const rows = await ctx.t.prisma.tokenIssuance.findMany({ where: { tenantId: ctx.tenant.id, actorKind: 'end_user', outcome: 'refused' } });
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.errorCode!] = (counts[row.errorCode!] ?? 0) + (row.requestCount ?? 1);
  return counts;
}

/**
 * Replaces the tenant's settings (as PATCH does), with the per-user limit (10 a minute by default) raised out of the
 * way of tests that are not about limits.
 */
export async function setTenantSettings(t: TestApp, tenant: TestTenant, settings: Record<string, unknown> = {}): Promise<void> {
  const response = await t.http
    .patch(`/v1/admin/tenants/${tenant.id}`)
    .set(bearer(t.adminKey))
    .send({ settings: { rateLimits: { userPerMinute: 10_000 }, ...settings } });
  if (response.status !== 200) throw new Error(`settings not set: ${JSON.stringify(response.body)}`);
}

type ContextOptions = TestAppOptions & { settings?: Record<string, unknown> };

/**
 * An issuing context whose tenant's users get a Twilio endpoint on their first token; `settings` are the tenant's
 * (generous rate limits unless they say otherwise).
 */
export async function createEnrollingContext(options: ContextOptions = {}): Promise<IssuingContext> {
  const { settings, ...appOptions } = options;
  const ctx = await createIssuingContext(appOptions);
  await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio), { policy: { autoEnroll: true } });
  await setTenantSettings(ctx.t, ctx.tenant, settings);
  return ctx;
}

/** The same, whose users sign in with a test IdP of their own (its key set). */
export async function createIdpContext(options: ContextOptions = {}): Promise<{ ctx: IssuingContext; idp: TestIdp }> {
  const ctx = await createEnrollingContext(options);
  const idp = await startTestIdp();
  await configureEndUserAuth(ctx.t, ctx.tenant, { issuers: [{ issuer: idp.issuer, audience: 'callpass', jwksUrl: idp.jwksUrl }] });
  return { ctx, idp };
}
