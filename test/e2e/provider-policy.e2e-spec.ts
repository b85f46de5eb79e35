import { PROVIDER_KITS } from '../../src/providers/provider-kits';
import { createIssuingContext, issuanceRows, IssuingContext } from '../helpers/issuing';
import { bearer } from '../helpers/test-app';

/**
 * The policy every provider's tokens go through, for each provider in the kits list: a kind it does not mint, a
 * disabled endpoint and a disabled account are refused before the provider is called, and each refusal is audited.
 */
describe('refusals before the provider', () => {
  let ctx: IssuingContext;

  beforeAll(async () => {
    ctx = await createIssuingContext();
  });
  afterAll(() => ctx?.close());

  it.each(PROVIDER_KITS.map((kit) => [kit.title, kit] as const))(
    '%s: an unknown kind, a disabled endpoint and a disabled account, without calling the provider, each audited',
    async (_title, kit) => {
      const emulator = ctx.emulators[kit.name];
      const account = kit.emulatedAccount(emulator);
      const providerAccountId = await ctx.createAccount(account);
      const endpoint = await ctx.createEndpoint(providerAccountId, { ...kit.demoEndpoint(account), userId: 'refused' });
      const tenant = (method: 'patch', route: string) => ctx.t.http[method](route).set(bearer(ctx.tenant.key));
      const calls = emulator.receivedCount;

      const kind = await ctx.issue({ endpointId: endpoint.id, kind: 'no_such_kind' }).expect(400);
      expect(kind.body.error).toMatchObject({ code: 'token_kind_not_supported', details: { kind: 'no_such_kind' } });
      expect(kind.body.error.details.supported).not.toHaveLength(0);

      await tenant('patch', `/v1/endpoints/${endpoint.id}`).send({ disabled: true }).expect(200);
      expect((await ctx.issue({ endpointId: endpoint.id }).expect(403)).body.error.code).toBe('endpoint_disabled');
      await tenant('patch', `/v1/endpoints/${endpoint.id}`).send({ disabled: false }).expect(200);
      await tenant('patch', `/v1/provider-accounts/${providerAccountId}`).send({ status: 'disabled' }).expect(200);
      expect((await ctx.issue({ endpointId: endpoint.id }).expect(403)).body.error.code).toBe('provider_account_disabled');

      expect(emulator.receivedCount).toBe(calls);
      const rows = await issuanceRows(ctx, { endpointId: endpoint.id });
      // All at one instant of the test's clock: compared as a set.
      expect(rows.map((row) => [row.provider, row.outcome, row.errorCode]).sort()).toEqual([
        [kit.name, 'refused', 'endpoint_disabled'],
        [kit.name, 'refused', 'provider_account_disabled'],
        [kit.name, 'refused', 'token_kind_not_supported'],
      ]);

      // Enabled again, the same endpoint gets its token.
      await tenant('patch', `/v1/provider-accounts/${providerAccountId}`).send({ status: 'active' }).expect(200);
      expect((await ctx.issue({ endpointId: endpoint.id }).expect(201)).body.provider).toBe(kit.name);
    },
  );
});
