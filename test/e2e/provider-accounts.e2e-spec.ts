import { PROVIDER_NAMES, validCredentials } from '../factories/credentials.factory';
import { createEndpoint, createProviderAccount, createTenant, TestTenant } from '../factories/tenant.factory';
import { bearer, createTestApp, TestApp } from '../helpers/test-app';

describe('provider accounts', () => {
  let t: TestApp;
  let tenant: TestTenant;
  beforeAll(async () => {
    t = await createTestApp();
    tenant = await createTenant(t);
  });
  afterAll(() => t?.close());

  it.each(PROVIDER_NAMES)('stores a %s account: config as given, secrets encrypted and shown only as hints', async (provider) => {
    const credentials = validCredentials[provider]();
    const response = await t.http
      .post('/v1/provider-accounts')
      .set(bearer(tenant.key))
      .send({ provider, name: `main-${provider}`, baseUrl: 'http://127.0.0.1:9/fake', ...credentials })
      .expect(201);
    expect(response.body).toMatchObject({ provider, status: 'active', baseUrl: 'http://127.0.0.1:9/fake', config: credentials.config });
    const hints = Object.fromEntries(Object.entries(credentials.secrets).map(([field, value]) => [field, `****${value.slice(-4)}`]));
    expect(response.body.secrets).toEqual(hints);
    for (const secret of Object.values(credentials.secrets)) expect(JSON.stringify(response.body)).not.toContain(secret);

    const row = await t.prisma.providerAccount.findUniqueOrThrow({ where: { id: response.body.id } });
    expect(row.secretCiphertext).toMatch(/^cpenc1\.test-key\./);
    for (const secret of Object.values(credentials.secrets)) expect(JSON.stringify(row)).not.toContain(secret);

    const fetched = await t.http.get(`/v1/provider-accounts/${response.body.id}`).set(bearer(tenant.key)).expect(200);
    expect(fetched.body).toEqual(response.body);
  });

  it.each([
    ['twilio', { config: { accountSid: 'AC123' } }, 'config.accountSid'],
    ['twilio', { secrets: { apiKeySecret: 'short' } }, 'secrets.apiKeySecret'],
    ['twilio', { config: { apiKeySid: `AK${'0'.repeat(32)}` } }, 'config.apiKeySid'],
    ['plivo', { config: { authId: 'XX12345678901234567' } }, 'config.authId'],
    ['signalwire', { config: { projectId: 'not-a-uuid' } }, 'config.projectId'],
    ['bandwidth', { config: { network: 'mars' } }, 'config.network'],
  ] as const)('rejects a malformed %s credential (%j) naming %s', async (provider, override, field) => {
    const credentials = validCredentials[provider]();
    const body = {
      provider,
      name: 'bad',
      config: { ...credentials.config, ...('config' in override ? override.config : {}) },
      secrets: { ...credentials.secrets, ...('secrets' in override ? override.secrets : {}) },
    };
    const response = await t.http.post('/v1/provider-accounts').set(bearer(tenant.key)).send(body).expect(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(response.body.error.details.fields.map((entry: { field: string }) => entry.field)).toEqual([field]);
    expect(JSON.stringify(response.body)).not.toContain(credentials.secrets[Object.keys(credentials.secrets)[0] as never]);
  });

  it('rejects unknown credential fields, unknown providers and unsafe base URLs', async () => {
    const credentials = validCredentials.twilio();
    const extra = await t.http
      .post('/v1/provider-accounts')
      .set(bearer(tenant.key))
      .send({ provider: 'twilio', name: 'x', config: { ...credentials.config, sneaky: 1 }, secrets: credentials.secrets })
      .expect(400);
    expect(extra.body.error.details.fields[0].field).toBe('config.sneaky');
    const unknown = await t.http
      .post('/v1/provider-accounts')
      .set(bearer(tenant.key))
      .send({ provider: 'acme-voice', name: 'x', ...credentials })
      .expect(400);
    expect(unknown.body.error).toMatchObject({
      code: 'provider_not_supported',
      details: { supported: [...PROVIDER_NAMES].sort() },
    });
    for (const baseUrl of ['ftp://example.com', 'https://user:pass@example.com', 'https://example.com/?x=1', 'not a url']) {
      const response = await t.http
        .post('/v1/provider-accounts')
        .set(bearer(tenant.key))
        .send({ provider: 'twilio', name: 'x', baseUrl, ...credentials })
        .expect(400);
      expect(response.body.error.details.fields[0].field).toBe('baseUrl');
    }
  });

  it('refuses a second account with the same name', async () => {
    await createProviderAccount(t, tenant, 'plivo', { name: 'same-name' });
    const response = await t.http
      .post('/v1/provider-accounts')
      .set(bearer(tenant.key))
      .send({ provider: 'plivo', name: 'same-name', ...validCredentials.plivo() })
      .expect(409);
    expect(response.body.error.code).toBe('provider_account_name_taken');
  });

  it('merges config and secret updates, rotating secrets without ever returning them', async () => {
    const account = await createProviderAccount(t, tenant, 'twilio');
    const newSecret = 'N'.repeat(28) + 'abcd';
    const updated = await t.http
      .patch(`/v1/provider-accounts/${account.id}`)
      .set(bearer(tenant.key))
      .send({ secrets: { apiKeySecret: newSecret }, config: { region: 'ie1' }, policy: { capabilities: ['outgoing'] } })
      .expect(200);
    expect(updated.body.secrets).toEqual({ apiKeySecret: '****abcd', authToken: `****${account.secrets.authToken.slice(-4)}` });
    expect(updated.body.config).toMatchObject({ region: 'ie1', accountSid: (account.body.config as { accountSid: string }).accountSid });
    expect(updated.body.policy).toEqual({ capabilities: ['outgoing'] });
    expect(JSON.stringify(updated.body)).not.toContain(newSecret);

    const removed = await t.http
      .patch(`/v1/provider-accounts/${account.id}`)
      .set(bearer(tenant.key))
      .send({ secrets: { authToken: null }, config: { region: null } })
      .expect(200);
    expect(removed.body.secrets).toEqual({ apiKeySecret: '****abcd' });
    expect(removed.body.config.region).toBeUndefined();

    const invalid = await t.http
      .patch(`/v1/provider-accounts/${account.id}`)
      .set(bearer(tenant.key))
      .send({ secrets: { apiKeySecret: null } })
      .expect(400);
    expect(invalid.body.error.details.fields[0].field).toBe('secrets.apiKeySecret');
    const unchanged = await t.http.get(`/v1/provider-accounts/${account.id}`).set(bearer(tenant.key));
    expect(unchanged.body.secrets).toEqual({ apiKeySecret: '****abcd' });
  });

  it('moves an account to another host only with its complete secrets sent again', async () => {
    const account = await createProviderAccount(t, tenant, 'plivo');
    const alone = await t.http
      .patch(`/v1/provider-accounts/${account.id}`)
      .set(bearer(tenant.key))
      .send({ baseUrl: 'https://attacker.example' })
      .expect(400);
    expect(alone.body.error.details.fields[0]).toEqual({
      field: 'secrets',
      messages: ['changing baseUrl requires sending the complete secrets again'],
    });
    await t.http
      .patch(`/v1/provider-accounts/${account.id}`)
      .set(bearer(tenant.key))
      .send({ baseUrl: 'https://attacker.example', secrets: {} })
      .expect(400);
    const moved = await t.http
      .patch(`/v1/provider-accounts/${account.id}`)
      .set(bearer(tenant.key))
      .send({ baseUrl: 'https://plivo.example', secrets: { authToken: 'M'.repeat(36) + 'oved' } })
      .expect(200);
    expect(moved.body).toMatchObject({ baseUrl: 'https://plivo.example', secrets: { authToken: '****oved' } });
    await t.http
      .patch(`/v1/provider-accounts/${account.id}`)
      .set(bearer(tenant.key))
      .send({ baseUrl: 'https://plivo.example', name: 'same-host' })
      .expect(200);
  });

  it.each([
    ['signalwire', { space: 'elsewhere' }, 'changing baseUrl or space requires sending the complete secrets again'],
    ['bandwidth', { network: 'us' }, 'changing baseUrl or network requires sending the complete secrets again'],
  ] as const)('treats %s config that picks the host like baseUrl: moving it needs the secrets again', async (provider, move, message) => {
    const account = await createProviderAccount(t, tenant, provider);
    const alone = await t.http.patch(`/v1/provider-accounts/${account.id}`).set(bearer(tenant.key)).send({ config: move }).expect(400);
    expect(alone.body.error.details.fields[0]).toEqual({ field: 'secrets', messages: [message] });
    const unchanged = await t.http.get(`/v1/provider-accounts/${account.id}`).set(bearer(tenant.key)).expect(200);
    expect(unchanged.body.config).toEqual(account.body.config);
    const moved = await t.http
      .patch(`/v1/provider-accounts/${account.id}`)
      .set(bearer(tenant.key))
      .send({ config: move, secrets: validCredentials[provider]().secrets })
      .expect(200);
    expect(moved.body.config).toMatchObject(move);
    // Other config fields stay free to change.
    const other = provider === 'signalwire' ? { applicationId: '00000000-0000-4000-8000-00000000000a' } : { clientId: 'renamed-client' };
    await t.http.patch(`/v1/provider-accounts/${account.id}`).set(bearer(tenant.key)).send({ config: other }).expect(200);
  });

  it('disables an account, filters the list by provider and status', async () => {
    const account = await createProviderAccount(t, tenant, 'bandwidth');
    await t.http.patch(`/v1/provider-accounts/${account.id}`).set(bearer(tenant.key)).send({ status: 'disabled' }).expect(200);
    const disabled = await t.http
      .get('/v1/provider-accounts')
      .query({ provider: 'bandwidth', status: 'disabled' })
      .set(bearer(tenant.key))
      .expect(200);
    expect(disabled.body.data.map((row: { id: string }) => row.id)).toEqual([account.id]);
  });

  it('deletes an unused account, and refuses while endpoints use it', async () => {
    const account = await createProviderAccount(t, tenant, 'signalwire');
    const endpoint = await createEndpoint(t, tenant, account.id);
    const refused = await t.http.delete(`/v1/provider-accounts/${account.id}`).set(bearer(tenant.key)).expect(409);
    expect(refused.body.error).toMatchObject({ code: 'provider_account_in_use', details: { endpoints: 1 } });
    await t.http.delete(`/v1/endpoints/${endpoint.id}`).set(bearer(tenant.key)).expect(204);
    await t.http.delete(`/v1/provider-accounts/${account.id}`).set(bearer(tenant.key)).expect(204);
    await t.http.get(`/v1/provider-accounts/${account.id}`).set(bearer(tenant.key)).expect(404);
  });
});

describe('endpoints', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let twilioAccount: string;
  beforeAll(async () => {
    t = await createTestApp();
    tenant = await createTenant(t);
    twilioAccount = (await createProviderAccount(t, tenant, 'twilio')).id;
  });
  afterAll(() => t?.close());

  it('creates an endpoint whose identity defaults to the user id, and updates its capabilities', async () => {
    const endpoint = await createEndpoint(t, tenant, twilioAccount, { userId: 'alice_01', capabilities: ['incoming'] });
    expect(endpoint).toMatchObject({ userId: 'alice_01', identity: 'alice_01', capabilities: ['incoming'], disabled: false });
    const updated = await t.http
      .patch(`/v1/endpoints/${endpoint.id}`)
      .set(bearer(tenant.key))
      .send({ capabilities: ['incoming', 'outgoing'], disabled: true })
      .expect(200);
    expect(updated.body).toMatchObject({ capabilities: ['incoming', 'outgoing'], disabled: true });
    const list = await t.http.get('/v1/endpoints').query({ userId: 'alice_01' }).set(bearer(tenant.key)).expect(200);
    expect(list.body.data.map((row: { id: string }) => row.id)).toEqual([endpoint.id]);
  });

  it('checks identities against the provider: Twilio allows only letters, digits and underscore', async () => {
    const response = await t.http
      .post('/v1/endpoints')
      .set(bearer(tenant.key))
      .send({ providerAccountId: twilioAccount, userId: 'bob@example.com' })
      .expect(400);
    expect(response.body.error).toMatchObject({ code: 'identity_invalid', details: { provider: 'twilio' } });
    await t.http
      .post('/v1/endpoints')
      .set(bearer(tenant.key))
      .send({ providerAccountId: twilioAccount, userId: 'bob@example.com', identity: 'bob' })
      .expect(201);
  });

  it('refuses a second endpoint for the same user, and a taken identity, with 409', async () => {
    await createEndpoint(t, tenant, twilioAccount, { userId: 'carol' });
    const sameUser = await t.http
      .post('/v1/endpoints')
      .set(bearer(tenant.key))
      .send({ providerAccountId: twilioAccount, userId: 'carol' })
      .expect(409);
    expect(sameUser.body.error.code).toBe('endpoint_exists');
    const sameIdentity = await t.http
      .post('/v1/endpoints')
      .set(bearer(tenant.key))
      .send({ providerAccountId: twilioAccount, userId: 'carol-2', identity: 'carol' })
      .expect(409);
    expect(sameIdentity.body.error.code).toBe('endpoint_identity_taken');
  });

  it('refuses an account that does not exist with 404', async () => {
    const response = await t.http
      .post('/v1/endpoints')
      .set(bearer(tenant.key))
      .send({ providerAccountId: '00000000-0000-7000-8000-000000000000', userId: 'dave' })
      .expect(404);
    expect(response.body.error.code).toBe('provider_account_not_found');
  });
});
