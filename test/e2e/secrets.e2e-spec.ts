import { generateSessionCredential } from '../../src/crypto/api-key-codec';
import { providerKits } from '../../src/providers/provider-kits';
import { ProviderAccountsService } from '../../src/provider-accounts/provider-accounts.service';
import { PROVIDER_NAMES, validCredentials } from '../factories/credentials.factory';
import { createEndpoint, createProviderAccount, createTenant, TestTenant } from '../factories/tenant.factory';
import { createIssuingContext, IssuingContext } from '../helpers/issuing';
import { bearer, createTestApp, TestApp } from '../helpers/test-app';
import { rowsAsText } from '../helpers/leaks';

describe('kept refresh tokens at rest', () => {
  let ctx: IssuingContext;
  beforeAll(async () => {
    ctx = await createIssuingContext();
  });
  afterAll(() => ctx?.close());

  it('fail to decrypt once copied onto another session, of the same tenant or another', async () => {
    const mintSubscriber = async (tenant: TestTenant) => {
      const signalwire = providerKits.signalwire.emulatedAccount(ctx.emulators.signalwire);
      const account = await ctx.t.http
        .post('/v1/provider-accounts')
        .set(bearer(tenant.key))
        .send({
          provider: 'signalwire',
          baseUrl: signalwire.baseUrl,
          config: signalwire.config,
          secrets: signalwire.secrets,
          name: `sw-${Math.random()}`,
        })
        .expect(201);
      const endpoint = await createEndpoint(ctx.t, tenant, account.body.id, { identity: `${Math.random()}@example.com` });
      const token = await ctx.t.http.post('/v1/tokens').set(bearer(tenant.key)).send({ endpointId: endpoint.id }).expect(201);
      return token.body.id as string;
    };
    const other = await createTenant(ctx.t);
    const source = await mintSubscriber(ctx.tenant);
    const sameTenant = await mintSubscriber(ctx.tenant);
    const otherTenant = await mintSubscriber(other);
    for (const [tenant, target] of [
      [ctx.tenant, sameTenant],
      [other, otherTenant],
    ] as const) {
      await ctx.t.database.query(
        'UPDATE provider_sessions SET secret_ciphertext = (SELECT secret_ciphertext FROM provider_sessions WHERE current_token_id = $1) WHERE current_token_id = $2',
        [source, target],
      );
      const refused = await ctx.t.http.post(`/v1/tokens/${target}/refresh`).set(bearer(tenant.key)).expect(500);
      expect(refused.body.error.code).toBe('refresh_unreadable');
    }
    await ctx.t.http.post(`/v1/tokens/${source}/refresh`).set(bearer(ctx.tenant.key)).expect(201);
  });
});

describe('secrets at rest and in transit', () => {
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  beforeAll(async () => {
    t = await createTestApp({ env: { LOG_LEVEL: 'trace' } });
    a = await createTenant(t);
    b = await createTenant(t);
  });
  afterAll(() => t?.close());

  it('canary secrets and keys never appear in any response, log line, error body or audit row', async () => {
    const canaries: string[] = [t.adminKey, a.key];
    const seen: string[] = [];
    const record = (response: { text: string; headers: Record<string, unknown> }) =>
      seen.push(response.text, JSON.stringify(response.headers));

    for (const provider of PROVIDER_NAMES) {
      const credentials = validCredentials[provider]();
      // A multi-line secret (a PEM key) counts as leaked if any line of its body shows.
      canaries.push(
        ...Object.values(credentials.secrets).flatMap((secret) =>
          secret.split('\n').filter((line) => line.length >= 16 && !line.startsWith('-----')),
        ),
      );
      const created = await t.http
        .post('/v1/provider-accounts')
        .set(bearer(a.key))
        .send({ provider, name: `canary-${provider}`, ...credentials })
        .expect(201);
      record(created);
      record(await t.http.get(`/v1/provider-accounts/${created.body.id}`).set(bearer(a.key)));
      // A rejected update that carries a fresh secret next to an invalid field.
      const rejected = await t.http
        .patch(`/v1/provider-accounts/${created.body.id}`)
        .set(bearer(a.key))
        .send({ secrets: { ...credentials.secrets, unexpected: 'x' } });
      expect(rejected.status).toBe(400);
      record(rejected);
      // Another tenant trying to overwrite them.
      record(
        await t.http
          .patch(`/v1/provider-accounts/${created.body.id}`)
          .set(bearer(b.key))
          .send({ secrets: credentials.secrets })
          .expect(404),
      );
    }
    record(await t.http.get('/v1/provider-accounts').set(bearer(a.key)));
    record(await t.http.get('/v1/audit-events').set(bearer(a.key)));
    record(await t.http.get('/v1/admin/audit-events').set(bearer(t.adminKey)));
    record(await t.http.get('/v1/admin/tenants').set('authorization', `Bearer ${a.key}`));
    // A key pasted into a path by mistake: answered, and logged without it.
    record(await t.http.get(`/v1/endpoints/${a.key}`).set(bearer(a.key)));
    record(await t.http.get(`/v1/provider-accounts/${t.adminKey}`).set(bearer(a.key)));
    const session = generateSessionCredential().key;
    canaries.push(session);
    record(await t.http.get(`/v1/sessions/${session}`).set(bearer(a.key)));
    // An end user's JWT too, its dots as they are or escaped: its claims are the canary.
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwYXRoLWNhbmFyeSJ9.cGF0aC1jYW5hcnktc2lnbmF0dXJl';
    canaries.push(jwt.split('.')[1]);
    record(await t.http.get(`/v1/endpoints/${jwt}`).set(bearer(a.key)));
    record(await t.http.get(`/v1/endpoints/${jwt.replaceAll('.', '%2e')}`).set(bearer(a.key)));

    const auditRows = rowsAsText(await t.prisma.auditEvent.findMany());
    const accountRows = JSON.stringify(await t.prisma.providerAccount.findMany());
    const everything = [...seen, ...t.logs, auditRows, accountRows].join('\n');
    const leaked = canaries.filter((canary) => everything.includes(canary));
    expect(leaked).toEqual([]);
    expect(t.logs.length).toBeGreaterThan(10);
  });

  describe('stored ciphertext', () => {
    const service = () => t.app.get(ProviderAccountsService);

    it('decrypts for its own row', async () => {
      const account = await createProviderAccount(t, a, 'twilio');
      const row = await t.prisma.providerAccount.findUniqueOrThrow({ where: { id: account.id } });
      expect(service().secretsOf(row)).toEqual(account.secrets);
    });

    it('fails closed when the ciphertext is tampered with', async () => {
      const account = await createProviderAccount(t, a, 'twilio');
      const row = await t.prisma.providerAccount.findUniqueOrThrow({ where: { id: account.id } });
      const parts = row.secretCiphertext.split('.');
      const body = Buffer.from(parts[3], 'base64url');
      body[body.length - 20] ^= 0xff;
      parts[3] = body.toString('base64url');
      await t.database.query('UPDATE provider_accounts SET secret_ciphertext = $1 WHERE id = $2', [parts.join('.'), account.id]);
      const tampered = await t.prisma.providerAccount.findUniqueOrThrow({ where: { id: account.id } });
      expect(() => service().secretsOf(tampered)).toThrow(expect.objectContaining({ code: 'provider_account_unreadable' }));
    });

    it("fails closed when another row's ciphertext is copied in, within or across tenants", async () => {
      const victim = await createProviderAccount(t, a, 'twilio');
      const sameTenant = await createProviderAccount(t, a, 'twilio');
      const otherTenant = await createProviderAccount(t, b, 'twilio');
      for (const target of [sameTenant, otherTenant]) {
        await t.database.query(
          'UPDATE provider_accounts SET secret_ciphertext = (SELECT secret_ciphertext FROM provider_accounts WHERE id = $1) WHERE id = $2',
          [victim.id, target.id],
        );
        const swapped = await t.prisma.providerAccount.findUniqueOrThrow({ where: { id: target.id } });
        expect(() => service().secretsOf(swapped)).toThrow(expect.objectContaining({ code: 'provider_account_unreadable' }));
      }
    });

    it('lets a tenant replace unreadable secrets with a complete new set', async () => {
      const account = await createProviderAccount(t, a, 'plivo');
      await t.database.query(`UPDATE provider_accounts SET secret_ciphertext = 'cpenc1.gone.AAAA.AAAA' WHERE id = $1`, [account.id]);
      await t.http.patch(`/v1/provider-accounts/${account.id}`).set(bearer(a.key)).send({ secrets: {} }).expect(400);
      const fresh = validCredentials.plivo().secrets;
      await t.http.patch(`/v1/provider-accounts/${account.id}`).set(bearer(a.key)).send({ secrets: fresh }).expect(200);
      const row = await t.prisma.providerAccount.findUniqueOrThrow({ where: { id: account.id } });
      expect(service().secretsOf(row)).toEqual(fresh);
    });
  });
});
