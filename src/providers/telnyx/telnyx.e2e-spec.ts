import { bearer } from '../../../test/helpers/test-app';
import { createIssuingContext, issuanceRows, IssuingContext, waitingOutHang } from '../../../test/helpers/issuing';
import { decodeJwt } from '../jwt';
import { providerKits } from '../provider-kits';

type TelnyxAccount = ReturnType<typeof providerKits.telnyx.emulatedAccount>;
type Endpoint = { id: string; identity: string; providerData: Record<string, string> };

/** The Telnyx walk through the HTTP API, with the real guards and database, and the fake Telnyx on loopback. */
describe('Telnyx tokens', () => {
  let ctx: IssuingContext;
  let account: TelnyxAccount;
  let accountId: string;
  let endpoint: Endpoint;
  const telnyx = () => ctx.emulators.telnyx;
  const creations = () => telnyx().requestsTo('POST', /^\/v2\/telephony_credentials$/);
  const tokenCalls = () => telnyx().requestsTo('POST', /^\/v2\/telephony_credentials\/[^/]+\/token$/);

  /** An account with a provisioned endpoint, for a test whose failures must not open another test's circuit. */
  const freshEndpoint = async (overrides: Record<string, unknown> = {}) => {
    const fresh = providerKits.telnyx.emulatedAccount(telnyx());
    const id = await ctx.createAccount(fresh, overrides);
    return { account: fresh, accountId: id, endpoint: (await ctx.createEndpoint(id, { provision: true })) as unknown as Endpoint };
  };
  /** A credential the tenant created at Telnyx itself. */
  const ownCredential = async () => {
    const response = await fetch(`${telnyx().url}/v2/telephony_credentials`, {
      method: 'POST',
      headers: { authorization: `Bearer ${account.secrets.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ connection_id: account.config.connectionId, name: 'made-by-tenant' }),
    });
    return ((await response.json()) as { data: { id: string; sip_username: string } }).data;
  };

  beforeAll(async () => {
    ctx = await createIssuingContext();
    account = providerKits.telnyx.emulatedAccount(ctx.emulators.telnyx);
    accountId = await ctx.createAccount(account);
    endpoint = (await ctx.createEndpoint(accountId, { userId: 'alice-1', identity: 'alice', provision: true })) as unknown as Endpoint;
  });
  // Retries sleep on the clock by a jittered number of milliseconds; each test starts on a whole second.
  beforeEach(() => ctx.clock.set(new Date(Math.ceil(ctx.clock.now().getTime() / 1000) * 1000)));
  afterEach(() => {
    telnyx().clearFaults();
    Object.assign(telnyx(), { tokenTtlSeconds: 86_400, clockSkewSeconds: 0, rateLimited: false });
  });
  afterAll(() => ctx?.close());

  it("provisions a telephony credential on the account's connection and takes its sip_username as the identity", async () => {
    const [created] = creations();
    expect(created.path).toBe('/v2/telephony_credentials');
    expect(created.bearer).toBe(account.secrets.apiKey);
    expect(created.headers['content-type']).toBe('application/json');
    expect(created.body).toEqual({ connection_id: account.config.connectionId, name: 'alice' });
    const credential = telnyx().credentials.get(endpoint.providerData.credentialId)!;
    expect(endpoint.identity).toBe(credential.sipUsername);
    expect(endpoint.identity).toMatch(/^gencred\w{22}$/);
    expect(endpoint.providerData).toEqual({ credentialId: credential.id, createdCredentialId: credential.id });
  });

  it("mints through Telnyx's token call: expiresAt is the token's exp, the identity its sip_username, and both are audited", async () => {
    const response = await ctx.issue({ endpointId: endpoint.id }).expect(201);
    const call = tokenCalls().at(-1)!;
    expect(call.path).toBe(`/v2/telephony_credentials/${endpoint.providerData.credentialId}/token`);
    expect(call.bearer).toBe(account.secrets.apiKey);
    expect(call.headers.accept).toBe('text/plain');
    expect(call.rawBody).toBe('');
    const { header, payload } = decodeJwt(response.body.token)!;
    expect(header).toEqual({ alg: 'HS512', typ: 'JWT' });
    expect(payload.exp).toBe(ctx.clock.now().getTime() / 1000 + 86_400);
    expect(response.body).toMatchObject({
      provider: 'telnyx',
      kind: 'access_token',
      identity: endpoint.identity,
      capabilities: ['incoming', 'outgoing'],
      expiresAt: new Date((payload.exp as number) * 1000).toISOString(),
    });
    expect(telnyx().loginProblem(response.body.token)).toBeUndefined();
    const [row] = await issuanceRows(ctx, { endpointId: endpoint.id });
    expect(row).toMatchObject({
      id: response.body.id,
      outcome: 'issued',
      provider: 'telnyx',
      identity: endpoint.identity,
      tokenFingerprint: payload.jti,
      ttlSeconds: 86_400,
      expiresAt: new Date((payload.exp as number) * 1000),
      grants: { capabilities: ['incoming', 'outgoing'], credentialId: endpoint.providerData.credentialId, sipUsername: endpoint.identity },
    });
  });

  it('mints only for endpoints allowed both capabilities, since a login token cannot be narrowed', async () => {
    const own = await ownCredential();
    const outgoingOnly = await ctx.createEndpoint(accountId, {
      userId: 'outgoing-only',
      identity: own.sip_username,
      capabilities: ['outgoing'],
      providerOptions: { credentialId: own.id },
    });
    const before = tokenCalls().length;
    const refused = await ctx.issue({ endpointId: outgoingOnly.id }).expect(403);
    expect(refused.body.error).toMatchObject({ code: 'capability_not_allowed', details: { requested: ['incoming', 'outgoing'] } });
    expect(tokenCalls()).toHaveLength(before);
    // Asking the full endpoint for less still gets, and is told, what the token conveys.
    const full = await ctx.issue({ endpointId: endpoint.id, capabilities: ['outgoing'] }).expect(201);
    expect(full.body.capabilities).toEqual(['incoming', 'outgoing']);
  });

  it("takes a named credential's identity from Telnyx: never one the tenant states, and one endpoint per credential", async () => {
    const own = await ownCredential();
    // The user id need not be a SIP name: the identity comes from Telnyx.
    const named = await ctx.createEndpoint(accountId, { userId: 'named@acme.example', providerOptions: { credentialId: own.id } });
    expect(named.identity).toBe(own.sip_username);
    const reads = telnyx().requestsTo('GET', new RegExp(`^/v2/telephony_credentials/${own.id}$`));
    expect(reads.at(-1)?.bearer).toBe(account.secrets.apiKey);
    const claimed = await ctx.t.http
      .post('/v1/endpoints')
      .set(bearer(ctx.tenant.key))
      .send({ providerAccountId: accountId, userId: 'claimer', identity: 'gencredSomeoneElse', providerOptions: { credentialId: own.id } })
      .expect(400);
    expect(claimed.body.error.code).toBe('identity_invalid');
    const twice = await ctx.t.http
      .post('/v1/endpoints')
      .set(bearer(ctx.tenant.key))
      .send({ providerAccountId: accountId, userId: 'second', providerOptions: { credentialId: own.id } })
      .expect(409);
    expect(twice.body.error.code).toBe('endpoint_identity_taken');
    // Pointing an endpoint at another credential moves its identity with it.
    const other = await ownCredential();
    const moved = await ctx.t.http
      .patch(`/v1/endpoints/${named.id}`)
      .set(bearer(ctx.tenant.key))
      .send({ providerOptions: { credentialId: other.id } })
      .expect(200);
    expect(moved.body.identity).toBe(other.sip_username);
    const unknown = await ctx.t.http
      .patch(`/v1/endpoints/${named.id}`)
      .set(bearer(ctx.tenant.key))
      .send({ providerOptions: { credentialId: '00000000-0000-4000-8000-00000000dead' } })
      .expect(422);
    expect(unknown.body.error).toMatchObject({ code: 'provider_rejected_request', details: { providerStatus: 404 } });
  });

  it('uses a credential the tenant made, named in providerOptions, and leaves it at Telnyx when the endpoint goes', async () => {
    const own = await ownCredential();
    const createdBefore = creations().length;
    const bob = (await ctx.createEndpoint(accountId, {
      userId: 'bob-1',
      identity: own.sip_username,
      providerOptions: { credentialId: own.id },
    })) as unknown as Endpoint;
    expect(bob).toMatchObject({ identity: own.sip_username, providerData: { credentialId: own.id } });
    expect(creations()).toHaveLength(createdBefore);

    const response = await ctx.issue({ endpointId: bob.id }).expect(201);
    expect(response.body.identity).toBe(own.sip_username);
    expect(tokenCalls().at(-1)!.path).toBe(`/v2/telephony_credentials/${own.id}/token`);

    await ctx.t.http.delete(`/v1/endpoints/${bob.id}`).set(bearer(ctx.tenant.key)).expect(204);
    expect(
      telnyx()
        .requestsTo('DELETE', /telephony_credentials/)
        .map((request) => request.path),
    ).not.toContain(`/v2/telephony_credentials/${own.id}`);
    expect(telnyx().credentials.has(own.id)).toBe(true);
  });

  it('refuses provision with a credential id, and provisioning on an account without a connection id', async () => {
    const both = await ctx.t.http
      .post('/v1/endpoints')
      .set(bearer(ctx.tenant.key))
      .send({
        providerAccountId: accountId,
        userId: 'both',
        provision: true,
        providerOptions: { credentialId: (await ownCredential()).id },
      })
      .expect(400);
    expect(both.body.error.details.fields[0].field).toBe('providerOptions.credentialId');

    const noConnection = await ctx.createAccount(providerKits.telnyx.emulatedAccount(telnyx()), { config: {} });
    const before = creations().length;
    const refused = await ctx.t.http
      .post('/v1/endpoints')
      .set(bearer(ctx.tenant.key))
      .send({ providerAccountId: noConnection, userId: 'no-connection', provision: true })
      .expect(422);
    expect(refused.body.error).toMatchObject({ code: 'provider_config_incomplete', details: { missing: 'config.connectionId' } });
    expect(creations()).toHaveLength(before);
  });

  it('deletes the credential at Telnyx with a provisioned endpoint', async () => {
    const doomed = (await ctx.createEndpoint(accountId, { userId: 'carol-1', identity: 'carol', provision: true })) as unknown as Endpoint;
    const credentialId = doomed.providerData.createdCredentialId;
    expect(telnyx().credentials.has(credentialId)).toBe(true);
    await ctx.t.http.delete(`/v1/endpoints/${doomed.id}`).set(bearer(ctx.tenant.key)).expect(204);
    const [deleted] = telnyx()
      .requestsTo('DELETE', /telephony_credentials/)
      .slice(-1);
    expect(deleted.path).toBe(`/v2/telephony_credentials/${credentialId}`);
    expect(deleted.bearer).toBe(account.secrets.apiKey);
    expect(telnyx().credentials.has(credentialId)).toBe(false);
  });

  it("answers 422 with Telnyx's code for a credential deleted at Telnyx, and audits the refusal", async () => {
    const own = await ownCredential();
    const orphan = await ctx.createEndpoint(accountId, {
      userId: 'dave-1',
      identity: own.sip_username,
      providerOptions: { credentialId: own.id },
    });
    await fetch(`${telnyx().url}/v2/telephony_credentials/${own.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${account.secrets.apiKey}` },
    });
    const response = await ctx.issue({ endpointId: orphan.id }).expect(422);
    expect(response.body.error).toMatchObject({
      code: 'provider_rejected_request',
      details: { provider: 'telnyx', providerStatus: 404, providerCode: '10005', providerMessage: expect.stringMatching(/not be found/) },
    });
    const [row] = await issuanceRows(ctx, { endpointId: orphan.id });
    expect(row).toMatchObject({ outcome: 'refused', errorCode: 'provider_rejected_request' });
  });

  it('refuses a token Telnyx makes longer-lived than the account or the provider ceiling allows', async () => {
    const strict = await freshEndpoint({ policy: { tokenTtl: { maxSeconds: 3600 } } });
    const refused = await ctx.issue({ endpointId: strict.endpoint.id }).expect(422);
    expect(refused.body.error).toMatchObject({
      code: 'lifetime_exceeds_policy',
      details: { providerLifetimeSeconds: 86_400, maxSeconds: 3600 },
    });
    const [row] = await issuanceRows(ctx, { endpointId: strict.endpoint.id });
    expect(row).toMatchObject({ outcome: 'refused', errorCode: 'lifetime_exceeds_policy' });

    telnyx().tokenTtlSeconds = 1800;
    const shorter = await ctx.issue({ endpointId: strict.endpoint.id }).expect(201);
    expect(shorter.body.expiresAt).toBe(new Date(ctx.clock.now().getTime() + 1_800_000).toISOString());

    // The lifetime in the spec's example (28 days) exceeds even the default policy.
    telnyx().tokenTtlSeconds = 2_419_200;
    const month = await ctx.issue({ endpointId: endpoint.id }).expect(422);
    expect(month.body.error.details).toEqual({ providerLifetimeSeconds: 2_419_200, maxSeconds: 86_400 });
  });

  it("takes a 24 h token under a 24 h ceiling although Telnyx's clock runs 3 s ahead", async () => {
    telnyx().clockSkewSeconds = 3;
    const response = await ctx.issue({ endpointId: endpoint.id }).expect(201);
    expect(decodeJwt(response.body.token)!.payload.exp).toBe(ctx.clock.now().getTime() / 1000 + 3 + 86_400);
    expect(response.body.expiresAt).toBe(new Date(ctx.clock.now().getTime() + 86_400_000).toISOString());
  });

  it('answers 503 when Telnyx fails (retrying the token call, never the credential creation) and 504 when it hangs', async () => {
    const { accountId: failingId, endpoint: failing } = await freshEndpoint();
    let before = tokenCalls().length;
    telnyx().failNext(3, { kind: 'status', status: 503 });
    const down = await ctx.issue({ endpointId: failing.id }).expect(503);
    expect(down.body.error).toMatchObject({ code: 'provider_unavailable', details: { provider: 'telnyx', providerStatus: 503 } });
    expect(tokenCalls()).toHaveLength(before + 3);
    const [row] = await issuanceRows(ctx, { endpointId: failing.id });
    expect(row).toMatchObject({ outcome: 'failed', errorCode: 'provider_unavailable' });

    before = creations().length;
    telnyx().failNext(1, { kind: 'status', status: 500 });
    await ctx.t.http
      .post('/v1/endpoints')
      .set(bearer(ctx.tenant.key))
      .send({ providerAccountId: failingId, userId: 'not-created', provision: true })
      .expect(503);
    expect(creations()).toHaveLength(before + 1);
    expect(await ctx.t.prisma.endpoint.count({ where: { userId: 'not-created' } })).toBe(0);

    const { endpoint: slow } = await freshEndpoint();
    telnyx().failNext(1, { kind: 'hang' });
    const hung = await waitingOutHang(ctx.clock, telnyx(), () => ctx.issue({ endpointId: slow.id }));
    expect(hung.status).toBe(504);
    expect(hung.body.error).toMatchObject({ code: 'provider_unavailable', details: { reason: 'timeout' } });
  });

  it("answers Telnyx's 429 with 503 rate_limited and the seconds from x-ratelimit-reset, without waiting them out", async () => {
    const { endpoint: limited } = await freshEndpoint();
    // 30 s into a minute: Telnyx's window resets in 30 s.
    ctx.clock.set(new Date(Math.ceil(ctx.clock.now().getTime() / 60_000) * 60_000 + 30_000));
    telnyx().rateLimited = true;
    const before = tokenCalls().length;
    const response = await ctx.issue({ endpointId: limited.id }).expect(503);
    expect(response.body.error).toMatchObject({
      code: 'provider_unavailable',
      details: { provider: 'telnyx', reason: 'rate_limited', retryAfterSeconds: 30 },
    });
    expect(response.headers['retry-after']).toBe('30');
    expect(tokenCalls()).toHaveLength(before + 1);
  });

  it('answers 502 provider_bad_response to text that is not a live JWT, and to broken JSON', async () => {
    const { endpoint: garbled } = await freshEndpoint();
    const text = (body: string) => ({ kind: 'status' as const, status: 201, headers: { 'content-type': 'text/plain' }, text: body });
    const expired = `${Buffer.from('{"alg":"HS512"}').toString('base64url')}.${Buffer.from(JSON.stringify({ exp: 1 })).toString('base64url')}.c2ln`;
    for (const [fault, reason] of [
      [text('<html>Service Unavailable</html>'), { invalid: 'token' }],
      [text(expired), { invalid: 'exp' }],
      [{ kind: 'garbage' as const }, { invalid: 'token' }],
    ] as const) {
      telnyx().failNext(1, fault);
      const response = await ctx.issue({ endpointId: garbled.id }).expect(502);
      expect(response.body.error).toMatchObject({ code: 'provider_bad_response', details: { provider: 'telnyx', ...reason } });
    }
    telnyx().failNext(1, { kind: 'garbage' });
    const provisioning = await ctx.t.http
      .post('/v1/endpoints')
      .set(bearer(ctx.tenant.key))
      .send({ providerAccountId: accountId, userId: 'garbled', provision: true })
      .expect(502);
    expect(provisioning.body.error).toMatchObject({ code: 'provider_bad_response', details: { missing: 'id' } });
  });

  it('answers 502 provider_auth_failed to a key Telnyx does not know, and never shows the key', async () => {
    const wrongKey = `KEY${'F'.repeat(32)}_WrongWrongWrongWrong00`;
    const created = await ctx.t.http
      .post('/v1/provider-accounts')
      .set(bearer(ctx.tenant.key))
      .send({ ...account, secrets: { apiKey: wrongKey }, name: 'wrong-key' })
      .expect(201);
    // Naming a credential reads it at Telnyx, with the account's key.
    const naming = await ctx.t.http
      .post('/v1/endpoints')
      .set(bearer(ctx.tenant.key))
      .send({
        providerAccountId: created.body.id,
        userId: 'stranger',
        providerOptions: { credentialId: endpoint.providerData.credentialId },
      })
      .expect(502);
    expect(naming.body.error).toMatchObject({ code: 'provider_auth_failed', details: { provider: 'telnyx', providerStatus: 401 } });
    // A key that stopped working after the endpoint was made.
    const { accountId: rotatedId, endpoint: rotated } = await freshEndpoint();
    await ctx.t.http
      .patch(`/v1/provider-accounts/${rotatedId}`)
      .set(bearer(ctx.tenant.key))
      .send({ secrets: { apiKey: wrongKey } })
      .expect(200);
    const response = await ctx.issue({ endpointId: rotated.id }).expect(502);
    expect(response.body.error).toMatchObject({ code: 'provider_auth_failed', details: { provider: 'telnyx', providerStatus: 401 } });
    const [row] = await issuanceRows(ctx, { endpointId: rotated.id });
    expect(row).toMatchObject({ outcome: 'failed', errorCode: 'provider_auth_failed' });
    for (const text of [created.text, naming.text, response.text]) expect(text).not.toContain(wrongKey);
  });

  it('never puts the API key in a response, the token log or the logs, even when Telnyx quotes it back', async () => {
    const seen: string[] = [];
    const { account: quoted, accountId: quotedId, endpoint: quotedEndpoint } = await freshEndpoint();
    seen.push((await ctx.t.http.get(`/v1/provider-accounts/${quotedId}`).set(bearer(ctx.tenant.key)).expect(200)).text);
    seen.push((await ctx.t.http.get(`/v1/endpoints/${quotedEndpoint.id}`).set(bearer(ctx.tenant.key)).expect(200)).text);
    seen.push((await ctx.issue({ endpointId: quotedEndpoint.id }).expect(201)).text);
    telnyx().failNext(1, { kind: 'echo', status: 422 });
    const echoed = await ctx.issue({ endpointId: quotedEndpoint.id }).expect(422);
    expect(echoed.body.error.details).toMatchObject({
      provider: 'telnyx',
      providerStatus: 422,
      providerCode: expect.stringContaining('[redacted]'),
    });
    seen.push(echoed.text);
    const rows = await issuanceRows(ctx, { providerAccountId: quotedId });
    seen.push(
      JSON.stringify(rows, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value)),
      ...ctx.t.logs,
    );
    const key = quoted.secrets.apiKey;
    for (const text of seen) {
      expect(text).not.toContain(key);
      expect(text.toUpperCase()).not.toContain(key.toUpperCase());
    }
  });
});
