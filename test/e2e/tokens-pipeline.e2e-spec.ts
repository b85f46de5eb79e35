import { EmulatedAccount } from '../../src/providers/provider-kit';
import { providerKits } from '../../src/providers/provider-kits';
import { TwilioAdapter } from '../../src/providers/twilio/twilio.adapter';
import { uuidv7 } from '../../src/common/ids';
import { MetricsService } from '../../src/metrics/metrics';
import { TokenIssuanceLogService } from '../../src/token-log/token-issuance-log';
import { ProviderName } from '../factories/credentials.factory';
import { createEndpoint, createProviderAccount, createTenant } from '../factories/tenant.factory';
import { bearer } from '../helpers/test-app';
import { auditVerification, createIssuingContext, issuanceRows, IssuingContext } from '../helpers/issuing';
import { rowsAsText } from '../helpers/leaks';

/** What POST /v1/tokens does whatever the provider: resolution, policy, fail-closed audit. */
describe('token issuing pipeline', () => {
  let ctx: IssuingContext;
  let accountId: string;
  let endpoint: { id: string; userId: string };

  beforeAll(async () => {
    ctx = await createIssuingContext();
    accountId = await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio));
    endpoint = (await ctx.createEndpoint(accountId, { userId: 'pipeline_user' })) as unknown as typeof endpoint;
  });
  afterAll(() => ctx?.close());

  it('finds the endpoint by account and user id as well as by id', async () => {
    const response = await ctx.issue({ providerAccountId: accountId, userId: 'pipeline_user' }).expect(201);
    expect(response.body.identity).toBe('pipeline_user');
    const missing = await ctx.issue({ ttlSeconds: 600 }).expect(400);
    expect(missing.body.error.code).toBe('endpoint_reference_required');
    const unknown = await ctx.issue({ providerAccountId: accountId, userId: 'nobody' }).expect(404);
    expect(unknown.body.error.code).toBe('endpoint_not_found');
  });

  it("logs a token's lifetime in whole seconds rounded up: a token asked for mid-second keeps its nominal lifetime", async () => {
    ctx.clock.advance(1_000 - (ctx.clock.now().getTime() % 1_000) + 400);
    const minted = await ctx.issue({ endpointId: endpoint.id, ttlSeconds: 600 }).expect(201);
    const [row] = await ctx.t.prisma.tokenIssuance.findMany({ where: { id: minted.body.id } });
    expect(row.expiresAt!.getTime() - row.issuedAt.getTime()).toBe(599_600);
    expect(row.ttlSeconds).toBe(600);
    // Back on a whole second, where the other tests expect the clock.
    ctx.clock.advance(600);
  });

  it('tells the tenant route that a user named alone has no endpoint, rather than asking for a choice it cannot take', async () => {
    const tenant = await createTenant(ctx.t);
    const asTenant = (route: string, body: object) => ctx.t.http.post(route).set(bearer(tenant.key)).send(body);
    const addEnrollingAccount = ({ provider, baseUrl, config, secrets }: EmulatedAccount) =>
      asTenant('/v1/provider-accounts', { provider, baseUrl, config, secrets, name: provider, policy: { autoEnroll: true } }).expect(201);
    const noEndpoint = { code: 'user_endpoint_not_found', message: expect.stringMatching(/no endpoint/), details: { userId: 'zed' } };

    expect((await asTenant('/v1/tokens', { userId: 'zed' }).expect(404)).body.error).toEqual(noEndpoint);
    await addEnrollingAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio));
    expect((await asTenant('/v1/tokens', { userId: 'yan' }).expect(201)).body.provider).toBe('twilio');
    await addEnrollingAccount(providerKits.plivo.emulatedAccount(ctx.emulators.plivo));
    expect((await asTenant('/v1/tokens', { userId: 'zed' }).expect(404)).body.error).toEqual(noEndpoint);
    expect((await asTenant('/v1/tokens', { userId: 'yan' }).expect(201)).body.provider).toBe('twilio');
  });

  it('fails closed: when the audit row cannot be written, no token leaves (503 audit_unavailable)', async () => {
    ctx.clock.advance(1000);
    await ctx.t.database.query(`ALTER TABLE token_issuances ADD CONSTRAINT no_issued CHECK (outcome <> 'issued') NOT VALID`);
    try {
      const response = await ctx.issue({ endpointId: endpoint.id }).expect(503);
      expect(response.body).toEqual({
        error: { code: 'audit_unavailable', message: expect.any(String), details: { requestId: expect.any(String) } },
      });
      expect(JSON.stringify(response.body)).not.toMatch(/eyJ/);
      expect(
        await ctx.t.prisma.tokenIssuance.count({ where: { endpointId: endpoint.id, outcome: 'issued', issuedAt: ctx.clock.now() } }),
      ).toBe(0);
    } finally {
      await ctx.t.database.query('ALTER TABLE token_issuances DROP CONSTRAINT no_issued');
    }
    await ctx.issue({ endpointId: endpoint.id }).expect(201);
  });

  it('fails closed for a whole concurrent batch too: every caller gets 503, none a token', async () => {
    await ctx.t.database.query(`ALTER TABLE token_issuances ADD CONSTRAINT no_issued CHECK (outcome <> 'issued') NOT VALID`);
    try {
      const responses = await Promise.all(Array.from({ length: 20 }, () => ctx.issue({ endpointId: endpoint.id })));
      expect(responses.map((response) => response.status)).toEqual(Array(20).fill(503));
      expect(responses.every((response) => !('token' in response.body))).toBe(true);
    } finally {
      await ctx.t.database.query('ALTER TABLE token_issuances DROP CONSTRAINT no_issued');
    }
    // The failed batch took its chain links back with it: the chain goes on without a gap.
    await ctx.issue({ endpointId: endpoint.id }).expect(201);
    expect(await auditVerification(ctx)).toMatchObject({ intact: true });
  });

  describe("when the tenant's chain head moved behind this process's back", () => {
    /** A tenant of its own (a chain no other test extends) with a Twilio and a SignalWire endpoint. */
    async function tenantWithEndpoints() {
      const tenant = await createTenant(ctx.t);
      const endpointOf = async ({ provider, baseUrl, config, secrets }: EmulatedAccount, endpoint: Record<string, unknown> = {}) => {
        const account = await createProviderAccount(ctx.t, tenant, provider as ProviderName, { baseUrl, config, secrets });
        return (await createEndpoint(ctx.t, tenant, account.id, endpoint)).id;
      };
      const twilio = await endpointOf(providerKits.twilio.emulatedAccount(ctx.emulators.twilio));
      const signalwire = await endpointOf(providerKits.signalwire.emulatedAccount(ctx.emulators.signalwire), {
        identity: 'refreshing@example.com',
      });
      return { tenant, twilio, signalwire };
    }
    type Setup = Awaited<ReturnType<typeof tenantWithEndpoints>>;
    const issue = (setup: Setup, endpointId: string) =>
      ctx.t.http.post('/v1/tokens').set(bearer(setup.tenant.key)).send({ endpointId }).expect(201);

    const otherWriters: [string, (setup: Setup) => Promise<string>][] = [
      [
        "a SignalWire token's row, written with its refresh credential in a transaction of its own",
        async (setup) => (await issue(setup, setup.signalwire)).body.id,
      ],
      [
        "another replica's token log",
        // The same class on a connection of its own, knowing no chain head. (Not a second app in this process:
        // passport's strategies are process-wide, so the second app's would take over this one's authentication.)
        async (setup) => {
          const connection = ctx.t.database.connect();
          const id = uuidv7(ctx.clock.now().getTime());
          try {
            await new TokenIssuanceLogService(connection, ctx.t.app.get(MetricsService)).appendIssued({
              id,
              tenantId: setup.tenant.id,
              endpointId: setup.twilio,
              actorKind: 'tenant_key',
              provider: 'twilio',
              issuedAt: ctx.clock.now(),
              outcome: 'issued',
            });
          } finally {
            await connection.close();
          }
          return id;
        },
      ],
    ];
    it.each(otherWriters)('after %s, every token answered 201 still has its own row, and the chain verifies', async (_name, write) => {
      const setup = await tenantWithEndpoints();
      /** Each step is answered before the next starts: which writer moves the head when is fixed, not left to timing. */
      const answers: { id: string; requestId?: string }[] = [];
      const mint = async () => {
        const response = await issue(setup, setup.twilio);
        answers.push({ id: response.body.id, requestId: response.headers['x-request-id'] });
      };
      // Two in a row: this process's token log now knows where the chain ends, and moves it on from there.
      await mint();
      await mint();
      answers.push({ id: await write(setup) });
      // The head is no longer where this process last left it.
      await mint();
      await mint();

      const rows = await ctx.t.prisma.tokenIssuance.findMany({ where: { id: { in: answers.map((answer) => answer.id) } } });
      const byId = new Map(rows.map((row) => [row.id, row]));
      expect(answers.map(({ id }) => byId.get(id)?.tenantId)).toEqual(answers.map(() => setup.tenant.id));
      const minted = answers.filter((answer) => answer.requestId);
      expect(minted.map(({ id }) => byId.get(id)?.requestId)).toEqual(minted.map((answer) => answer.requestId));
      // In the order answered, each linked after the one before.
      expect(answers.map(({ id }) => Number(byId.get(id)?.chainSeq))).toEqual([1, 2, 3, 4, 5]);
      expect(await auditVerification(ctx, setup.tenant.id)).toMatchObject({ intact: true });
    });
  });

  it('logs a token whose minting broke unexpectedly (500 internal_error) as failed, not refused', async () => {
    ctx.clock.advance(1000);
    const mint = jest
      .spyOn(ctx.t.app.get(TwilioAdapter), 'mint')
      .mockRejectedValueOnce(new TypeError("Cannot read properties of undefined (reading 'sid')"));
    try {
      const response = await ctx.issue({ endpointId: endpoint.id }).expect(500);
      expect(response.body.error).toEqual({
        code: 'internal_error',
        message: expect.any(String),
        details: { requestId: response.headers['x-request-id'] },
      });
      expect(mint).toHaveBeenCalledTimes(1);
      const rows = await issuanceRows(ctx, { requestId: response.headers['x-request-id'] });
      expect(rows).toEqual([
        expect.objectContaining({
          endpointId: endpoint.id,
          provider: 'twilio',
          outcome: 'failed',
          errorCode: 'internal_error',
          tokenFingerprint: null,
        }),
      ]);
    } finally {
      mint.mockRestore();
    }
    await ctx.issue({ endpointId: endpoint.id }).expect(201);
  });

  it('mints nothing for a disabled endpoint or account, and audits each refusal', async () => {
    ctx.clock.advance(1000);
    await ctx.t.http.patch(`/v1/endpoints/${endpoint.id}`).set(bearer(ctx.tenant.key)).send({ disabled: true }).expect(200);
    try {
      expect((await ctx.issue({ endpointId: endpoint.id }).expect(403)).body.error.code).toBe('endpoint_disabled');
    } finally {
      await ctx.t.http.patch(`/v1/endpoints/${endpoint.id}`).set(bearer(ctx.tenant.key)).send({ disabled: false }).expect(200);
    }

    ctx.clock.advance(1000);
    await ctx.t.http.patch(`/v1/provider-accounts/${accountId}`).set(bearer(ctx.tenant.key)).send({ status: 'disabled' }).expect(200);
    try {
      expect((await ctx.issue({ endpointId: endpoint.id }).expect(403)).body.error.code).toBe('provider_account_disabled');
    } finally {
      await ctx.t.http.patch(`/v1/provider-accounts/${accountId}`).set(bearer(ctx.tenant.key)).send({ status: 'active' }).expect(200);
    }

    const refusals = await issuanceRows(ctx, { endpointId: endpoint.id, outcome: 'refused' });
    expect(refusals.slice(0, 2).map((row) => row.errorCode)).toEqual(['provider_account_disabled', 'endpoint_disabled']);
  });

  it('mints nothing for a suspended tenant', async () => {
    await ctx.t.http.patch(`/v1/admin/tenants/${ctx.tenant.id}`).set(bearer(ctx.t.adminKey)).send({ status: 'suspended' }).expect(200);
    try {
      expect((await ctx.issue({ endpointId: endpoint.id }).expect(403)).body.error.code).toBe('tenant_suspended');
    } finally {
      await ctx.t.http.patch(`/v1/admin/tenants/${ctx.tenant.id}`).set(bearer(ctx.t.adminKey)).send({ status: 'active' }).expect(200);
    }
  });

  it("never mints for another tenant's endpoint or account (404), and the probe is in the prober's log", async () => {
    const other = await createTenant(ctx.t);
    const asOther = (body: Record<string, unknown>) => ctx.t.http.post('/v1/tokens').set(bearer(other.key)).send(body);
    expect((await asOther({ endpointId: endpoint.id }).expect(404)).body.error.code).toBe('endpoint_not_found');
    await asOther({ providerAccountId: accountId, userId: 'pipeline_user' }).expect(404);
    const probes = await ctx.t.prisma.tokenIssuance.findMany({ where: { tenantId: other.id } });
    expect(probes.map((row) => row.outcome)).toEqual(['refused', 'refused']);
    expect(probes.every((row) => row.endpointId === null)).toBe(true);
  });

  it("applies the tenant's default and maximum lifetime", async () => {
    await ctx.t.http
      .patch(`/v1/admin/tenants/${ctx.tenant.id}`)
      .set(bearer(ctx.t.adminKey))
      .send({ settings: { tokenTtl: { defaultSeconds: 300, maxSeconds: 1200 } } })
      .expect(200);
    try {
      const byDefault = await ctx.issue({ endpointId: endpoint.id }).expect(201);
      expect(new Date(byDefault.body.expiresAt).getTime() - ctx.clock.now().getTime()).toBe(300_000);
      const capped = await ctx.issue({ endpointId: endpoint.id, ttlSeconds: 3600 }).expect(201);
      expect(new Date(capped.body.expiresAt).getTime() - ctx.clock.now().getTime()).toBe(1_200_000);
      const [row] = await issuanceRows(ctx, { id: capped.body.id });
      expect(row.ttlSeconds).toBe(1200);
    } finally {
      await ctx.t.http.patch(`/v1/admin/tenants/${ctx.tenant.id}`).set(bearer(ctx.t.adminKey)).send({ settings: {} }).expect(200);
    }
  });

  it('refuses kinds named like Object members instead of resolving them through the prototype', async () => {
    for (const kind of ['constructor', '__proto__', 'valueof']) {
      const response = await ctx.issue({ endpointId: endpoint.id, kind }).expect(400);
      expect(response.body.error.code).toBe('token_kind_not_supported');
    }
  });

  it('refuses unknown kinds and options with 400, naming what is supported', async () => {
    const kind = await ctx.issue({ endpointId: endpoint.id, kind: 'video_token' }).expect(400);
    expect(kind.body.error).toMatchObject({
      code: 'token_kind_not_supported',
      details: { supported: ['access_token', 'capability_token'] },
    });
    const option = await ctx.issue({ endpointId: endpoint.id, options: { identity: 'someone_else' } }).expect(400);
    expect(option.body.error.details.fields).toEqual([{ field: 'options.identity', messages: ['property identity should not exist'] }]);
    await ctx.issue({ endpointId: endpoint.id, identity: 'someone_else' }).expect(400);
    await ctx.issue({ endpointId: endpoint.id, ttlSeconds: 30 }).expect(400);
  });

  it("keeps tokens and provider secrets out of responses' neighbours: logs and the token log", async () => {
    const plivo = providerKits.plivo.emulatedAccount(ctx.emulators.plivo);
    const plivoId = await ctx.createAccount(plivo);
    const plivoEndpoint = await ctx.createEndpoint(plivoId, { userId: 'canary', identity: 'canary', provision: true });
    const tokens = [
      (await ctx.issue({ endpointId: endpoint.id }).expect(201)).body.token,
      (await ctx.issue({ endpointId: plivoEndpoint.id }).expect(201)).body.token,
    ] as string[];
    const canaries = [...tokens, ...tokens.map((token) => token.split('.')[2]), plivo.secrets.authToken, ctx.tenant.key];
    const stored = rowsAsText(await ctx.t.prisma.tokenIssuance.findMany());
    const everything = [stored, ...ctx.t.logs].join('\n');
    expect(canaries.filter((canary) => everything.includes(canary))).toEqual([]);
  });
});
