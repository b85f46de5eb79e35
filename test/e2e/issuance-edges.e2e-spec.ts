import { providerKits } from '../../src/providers/provider-kits';
import { createIssuingContext, IssuingContext } from '../helpers/issuing';
import { bearer } from '../helpers/test-app';

/** The issuing pipeline's refusals and fail-closed paths that the other suites do not reach. */
describe('the issuing pipeline at its less travelled turns', () => {
  let ctx: IssuingContext;
  let signalwireEndpoint: { id: string };
  let plivoEndpoint: { id: string };
  const refresh = (tokenId: string) => ctx.t.http.post(`/v1/tokens/${tokenId}/refresh`).set(bearer(ctx.tenant.key));

  beforeAll(async () => {
    ctx = await createIssuingContext();
    const signalwire = providerKits.signalwire.emulatedAccount(ctx.emulators.signalwire);
    signalwireEndpoint = await ctx.createEndpoint(await ctx.createAccount(signalwire), {
      identity: 'kept@example.com',
      providerOptions: { allowedAddresses: signalwire.addresses.slice(0, 1) },
    });
    plivoEndpoint = await ctx.createEndpoint(await ctx.createAccount(providerKits.plivo.emulatedAccount(ctx.emulators.plivo)), {
      identity: 'plainPlivoUser',
      provision: true,
    });
  });
  afterAll(() => ctx?.close());

  /** Runs `work` while the token log refuses every issued row (the database rejects them), as when it cannot be written. */
  const withIssuedRowsRefused = async (work: () => Promise<void>) => {
    await ctx.t.database.query(`ALTER TABLE token_issuances ADD CONSTRAINT no_issued CHECK (outcome <> 'issued') NOT VALID`);
    try {
      await work();
    } finally {
      await ctx.t.database.query('ALTER TABLE token_issuances DROP CONSTRAINT no_issued');
    }
  };

  it('hands out no token that keeps a refresh credential, and keeps no credential, when its audit row cannot be written (503)', async () => {
    const sessionsBefore = await ctx.t.prisma.providerSession.count();
    ctx.clock.advance(1_000);
    await withIssuedRowsRefused(async () => {
      const refused = await ctx.issue({ endpointId: signalwireEndpoint.id }).expect(503);
      expect(refused.body).toEqual({
        error: { code: 'audit_unavailable', message: expect.any(String), details: { requestId: expect.any(String) } },
      });
    });
    expect(await ctx.t.prisma.providerSession.count()).toBe(sessionsBefore);
    expect(await ctx.t.prisma.tokenIssuance.count({ where: { endpointId: signalwireEndpoint.id, outcome: 'issued' } })).toBe(0);
    await ctx.issue({ endpointId: signalwireEndpoint.id }).expect(201);
  });

  it('hands out no refreshed token, and leaves the chain where it was, when its audit row cannot be written (503)', async () => {
    const issued = (await ctx.issue({ endpointId: signalwireEndpoint.id }).expect(201)).body;
    const issuedRows = () => ctx.t.prisma.tokenIssuance.count({ where: { endpointId: signalwireEndpoint.id, outcome: 'issued' } });
    const issuedBefore = await issuedRows();
    ctx.clock.advance(1_000);
    await withIssuedRowsRefused(async () => {
      const refused = await refresh(issued.id).expect(503);
      expect(refused.body).toEqual({
        error: { code: 'audit_unavailable', message: expect.any(String), details: { requestId: expect.any(String) } },
      });
    });
    expect((await ctx.t.prisma.providerSession.findUniqueOrThrow({ where: { currentTokenId: issued.id } })).currentTokenId).toBe(issued.id);
    expect(await issuedRows()).toBe(issuedBefore);
  });

  it('answers a refresh of a token id that is no id as of a token that cannot be refreshed', async () => {
    const refused = await refresh('not-a-token-id').expect(404);
    expect(refused.body.error.code).toBe('token_not_refreshable');
  });

  it('refuses any option on a token kind that takes none, and mints with none', async () => {
    const refused = await ctx.issue({ endpointId: plivoEndpoint.id, options: { ttl: 5 } }).expect(400);
    expect(refused.body.error.code).toBe('validation_failed');
    expect(refused.body.error.details.fields).toEqual([{ field: 'options.ttl', messages: [expect.any(String)] }]);
    await ctx.issue({ endpointId: plivoEndpoint.id, options: {} }).expect(201);
    await ctx.issue({ endpointId: plivoEndpoint.id }).expect(201);
  });
});

/** Enrolment on a user's first request, when another replica enrolled the same user a moment before. */
describe('enrolment racing another replica', () => {
  let ctx: IssuingContext;
  let serviceKey: string;
  let accountId: string;
  const issueFor = (body: Record<string, unknown>) =>
    ctx.t.http.post(`/v1/internal/tenants/${ctx.tenant.id}/tokens`).set(bearer(serviceKey)).send(body);

  beforeAll(async () => {
    ctx = await createIssuingContext();
    accountId = await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio), { policy: { autoEnroll: true } });
    const created = await ctx.t.http
      .post('/v1/admin/service-keys')
      .set(bearer(ctx.t.adminKey))
      .send({ name: 'issuer', scopes: ['tokens:issue'] })
      .expect(201);
    serviceKey = created.body.key as string;
  });
  afterAll(() => ctx?.close());

  it("mints on the endpoint the other replica created, when creating the user's own finds it already there", async () => {
    // This replica looks the user up and finds no endpoint (nor an account of that provider to enrol them on).
    const none = await issueFor({ userId: 'late_user', provider: 'plivo' }).expect(404);
    expect(none.body.error.code).toBe('endpoint_not_found');
    // Meanwhile another replica enrols the user; its change has not reached this replica yet.
    const theirs = await ctx.t.prisma.endpoint.create({
      data: {
        tenantId: ctx.tenant.id,
        providerAccountId: accountId,
        userId: 'late_user',
        identity: 'late_user',
        capabilities: ['incoming'],
      },
    });
    const minted = await issueFor({ userId: 'late_user', provider: 'twilio' }).expect(201);
    expect(minted.body).toMatchObject({ provider: 'twilio', identity: 'late_user', capabilities: ['incoming'] });
    const endpoints = await ctx.t.prisma.endpoint.findMany({ where: { tenantId: ctx.tenant.id, userId: 'late_user' } });
    expect(endpoints.map((endpoint) => endpoint.id)).toEqual([theirs.id]);
    const [row] = await ctx.t.prisma.tokenIssuance.findMany({ where: { id: minted.body.id } });
    expect(row.endpointId).toBe(theirs.id);
  });
});
