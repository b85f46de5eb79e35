import { providerKits } from '../../src/providers/provider-kits';
import { auditVerification, createIssuingContext, IssuingContext } from '../helpers/issuing';
import { bearer } from '../helpers/test-app';
import { createTestDatabase, TestDatabase, withoutNotifications } from '../helpers/test-database';

/**
 * The hot path's caches on one replica: whatever a change looks like, the next request sees it. The database here
 * delivers no notifications at all (as if they were slow), so only what the replica does itself after each commit
 * can keep it true.
 */
describe('caches on the replica that made a change', () => {
  let ctx: IssuingContext;
  let database: TestDatabase;
  let endpointId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    ctx = await createIssuingContext({ database: withoutNotifications(database) });
    const account = await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio));
    endpointId = (await ctx.createEndpoint(account, { userId: 'cached' })).id;
  });
  afterAll(async () => {
    await ctx?.close();
    await database?.drop();
  });

  it('drops a tenant named in upper case: suspended through /tenants/<ID>, its next token is refused', async () => {
    await ctx.issue({ endpointId }).expect(201);
    await ctx.t.http
      .patch(`/v1/admin/tenants/${ctx.tenant.id.toUpperCase()}`)
      .set(bearer(ctx.t.adminKey))
      .send({ status: 'suspended' })
      .expect(200);
    try {
      expect((await ctx.issue({ endpointId }).expect(403)).body.error.code).toBe('tenant_suspended');
    } finally {
      await ctx.t.http.patch(`/v1/admin/tenants/${ctx.tenant.id}`).set(bearer(ctx.t.adminKey)).send({ status: 'active' }).expect(200);
    }
    await ctx.issue({ endpointId }).expect(201);
  });

  it('keeps a token log batch whole when one caller names its tenant in upper case', async () => {
    const service = await ctx.t.http
      .post('/v1/admin/service-keys')
      .set(bearer(ctx.t.adminKey))
      .send({ name: 'upper', scopes: ['tokens:issue'] })
      .expect(201);
    const upper = ctx.tenant.id.toUpperCase();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        index % 4 === 0
          ? ctx.t.http.post(`/v1/internal/tenants/${upper}/tokens`).set(bearer(service.body.key)).send({ userId: 'cached' })
          : ctx.issue({ endpointId }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(201));
    expect((await auditVerification(ctx)).intact).toBe(true);
  });
});
