import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { PROVIDER_KITS, providerKits } from '../../src/providers/provider-kits';
import { EmulatorServer, Fault } from '../../src/providers/emulator/emulator-server';
import { createIssuingContext, IssuingContext, waitingOutHang } from '../helpers/issuing';
import { findLeaks, rowsAsText } from '../helpers/leaks';
import { bearer } from '../helpers/test-app';

const SPECIALS = '"\\/+=&%:<';
/**
 * A random secret whose letters and digits come in runs of 3 at most, between the characters encodings treat
 * differently (quotes, backslashes, %, &, +, /, =, :, <): no 8-character piece of it survives any re-encoding.
 */
const canary = () =>
  Array.from(
    { length: 8 },
    (_, index) => `${randomBytes(3).toString('base64url').replace(/[-_]/g, 'x').slice(0, 3)}${SPECIALS[index % SPECIALS.length]}`,
  ).join('');

const FAULTS: { name: string; fault: Fault; count: number }[] = [
  { name: 'echo 400', fault: { kind: 'echo', status: 400 }, count: 1 },
  { name: 'echo 422', fault: { kind: 'echo', status: 422 }, count: 1 },
  { name: 'echo 401', fault: { kind: 'echo', status: 401 }, count: 1 },
  { name: 'echo 404', fault: { kind: 'echo', status: 404 }, count: 1 },
  { name: 'echo 500', fault: { kind: 'echo', status: 500 }, count: 3 },
  { name: 'echo 400, 200 KB', fault: { kind: 'echo', status: 400, repeat: 1500 }, count: 1 },
  { name: 'status 502', fault: { kind: 'status', status: 502 }, count: 3 },
  { name: 'rate limited', fault: { kind: 'rate_limit', retryAfterSeconds: 30 }, count: 1 },
  { name: 'garbage', fault: { kind: 'garbage' }, count: 1 },
  { name: 'malformed HTTP', fault: { kind: 'malformed_http' }, count: 1 },
  { name: 'hang', fault: { kind: 'hang' }, count: 1 },
];

/**
 * Canary secrets planted in every provider's account, then every provider operation under every fault an emulator
 * can produce, including answers that quote the request back: no canary may appear in any response, log line or
 * audit row, in any encoding.
 */
describe('canary secrets', () => {
  let ctx: IssuingContext;
  const responses: Response[] = [];
  const canaries: string[] = [];
  let ids: Record<string, string> = {};
  let signalwireAddresses: string[] = [];
  const origin = 'https://canary.example';

  const seen = async (request: PromiseLike<Response>) => {
    const response = await request;
    responses.push(response);
    return response;
  };
  /** Runs an operation; a hanging provider is waited out on the clock. */
  const attempt = (emulator: EmulatorServer, fault: Fault, run: () => Promise<Response>) =>
    fault.kind === 'hang' ? waitingOutHang(ctx.clock, emulator, run) : run();
  const refreshTokensIssued = () => [...ctx.emulators.signalwire.refreshTokens.keys()].map((token) => token.split('.')[3]);
  const haystack = async () =>
    [
      ...responses.map((response) => `${response.text}\n${JSON.stringify(response.headers)}`),
      ...ctx.t.logs,
      rowsAsText(await ctx.t.prisma.tokenIssuance.findMany()),
      rowsAsText(await ctx.t.prisma.auditEvent.findMany()),
    ].join('\n');

  beforeAll(async () => {
    ctx = await createIssuingContext({ env: { LOG_LEVEL: 'trace', TRUST_PROXY: 'true' } });
    const { emulators } = ctx;
    await ctx.t.http
      .patch(`/v1/admin/tenants/${ctx.tenant.id}`)
      .set(bearer(ctx.t.adminKey))
      .send({ settings: { allowedOrigins: [origin] } })
      .expect(200);

    const twilio = providerKits.twilio.emulatedAccount(emulators.twilio);
    const plivo = providerKits.plivo.emulatedAccount(emulators.plivo);
    plivo.secrets.authToken = canary();
    emulators.plivo.addAccount(plivo.config.authId, plivo.secrets.authToken);
    const signalwire = providerKits.signalwire.emulatedAccount(emulators.signalwire);
    signalwire.secrets.apiToken = canary();
    signalwireAddresses = signalwire.addresses;
    emulators.signalwire.addProject(signalwire.config.projectId as string, signalwire.secrets.apiToken, {
      addresses: signalwire.addresses,
      clickToCallTokens: [signalwire.secrets.clickToCallToken],
    });
    const bandwidth = providerKits.bandwidth.emulatedAccount(emulators.bandwidth);
    bandwidth.secrets.clientSecret = canary();
    emulators.bandwidth.addClient(bandwidth.config.clientId, bandwidth.secrets.clientSecret, 'global');
    for (const account of [twilio, plivo, signalwire, bandwidth]) canaries.push(...Object.values(account.secrets));

    ids = {
      twilio: await ctx.createAccount(twilio),
      plivo: await ctx.createAccount(plivo),
      signalwire: await ctx.createAccount(signalwire),
      bandwidth: await ctx.createAccount(bandwidth),
    };
    ids.twilioEndpoint = (await ctx.createEndpoint(ids.twilio)).id;
    ids.plivoEndpoint = (await ctx.createEndpoint(ids.plivo, { identity: 'canary', provision: true })).id;
    ids.signalwireEndpoint = (
      await ctx.createEndpoint(ids.signalwire, {
        identity: 'canary@example.com',
        providerOptions: { allowedAddresses: signalwire.addresses },
      })
    ).id;
    ids.bandwidthEndpoint = (await ctx.createEndpoint(ids.bandwidth)).id;
  });
  afterAll(() => ctx?.close());

  it('are in no token or refresh response, for every provider and kind, nor is a kept refresh token', async () => {
    const minted = [
      await seen(ctx.issue({ endpointId: ids.twilioEndpoint, kind: 'access_token' })),
      await seen(ctx.issue({ endpointId: ids.twilioEndpoint, kind: 'capability_token' })),
      await seen(ctx.issue({ endpointId: ids.plivoEndpoint })),
      await seen(ctx.issue({ endpointId: ids.signalwireEndpoint, kind: 'subscriber' })),
      await seen(ctx.issue({ endpointId: ids.signalwireEndpoint, kind: 'guest' })),
      await seen(ctx.issue({ endpointId: ids.signalwireEndpoint, kind: 'invite', options: { addressId: signalwireAddresses[0] } })),
      await seen(ctx.issue({ endpointId: ids.bandwidthEndpoint })),
      await seen(
        ctx.t.http.post(`/v1/signalwire/embeds/${ids.signalwire}/tokens`).set('origin', origin).set('x-forwarded-for', '192.0.2.99'),
      ),
    ];
    const subscriber = minted[3];
    minted.push(await seen(ctx.t.http.post(`/v1/tokens/${subscriber.body.id}/refresh`).set(bearer(ctx.tenant.key))));
    expect(minted.map((response) => response.status)).toEqual(Array(minted.length).fill(201));
    expect(refreshTokensIssued().length).toBeGreaterThanOrEqual(3);
    expect(findLeaks(minted.map((response) => response.text).join('\n'), [...canaries, ...refreshTokensIssued()])).toEqual([]);
  });

  it('are in no response, log line or audit row, whatever each provider answers', async () => {
    const operations: Record<string, () => Promise<Response>> = {
      'plivo mint': () => seen(ctx.issue({ endpointId: ids.plivoEndpoint })),
      'plivo provision': () =>
        seen(
          ctx.t.http
            .post('/v1/endpoints')
            .set(bearer(ctx.tenant.key))
            .send({ providerAccountId: ids.plivo, userId: `u${randomBytes(4).toString('hex')}`, identity: 'canaryp', provision: true }),
        ),
      'signalwire subscriber': () => seen(ctx.issue({ endpointId: ids.signalwireEndpoint })),
      'signalwire guest': () => seen(ctx.issue({ endpointId: ids.signalwireEndpoint, kind: 'guest' })),
      'signalwire invite': () =>
        seen(ctx.issue({ endpointId: ids.signalwireEndpoint, kind: 'invite', options: { addressId: signalwireAddresses[0] } })),
      'signalwire embed': () =>
        seen(
          ctx.t.http
            .post(`/v1/signalwire/embeds/${ids.signalwire}/tokens`)
            .set('origin', origin)
            .set('x-forwarded-for', `192.0.2.${responses.length % 200}`),
        ),
      'bandwidth mint': () => seen(ctx.issue({ endpointId: ids.bandwidthEndpoint })),
    };
    const emulatorOf = (operation: string) => ctx.emulators[operation.split(' ')[0] as 'plivo' | 'signalwire' | 'bandwidth'];
    const codes = new Set<string>();
    for (const { name, fault, count } of FAULTS) {
      for (const [operation, run] of Object.entries(operations)) {
        // A fresh start for each: cached Bandwidth tokens expired, circuits closed, no fault left over.
        ctx.clock.advance(601_000);
        emulatorOf(operation).clearFaults();
        emulatorOf(operation).failNext(count, fault);
        const response = await attempt(emulatorOf(operation), fault, run);
        codes.add(`${operation}: ${name} → ${response.status} ${response.body.error?.code}`);
      }
      // A refresh spends its token, so each gets a fresh subscriber SAT first.
      ctx.emulators.signalwire.clearFaults();
      const subscriber = await seen(ctx.issue({ endpointId: ids.signalwireEndpoint }));
      ctx.emulators.signalwire.failNext(count, fault);
      const refresh = await attempt(ctx.emulators.signalwire, fault, () =>
        seen(ctx.t.http.post(`/v1/tokens/${subscriber.body.id}/refresh`).set(bearer(ctx.tenant.key))),
      );
      codes.add(`signalwire refresh: ${name} → ${refresh.status} ${refresh.body.error?.code}`);
    }
    for (const emulator of [ctx.emulators.plivo, ctx.emulators.signalwire, ctx.emulators.bandwidth]) emulator.clearFaults();

    // The faults reached every error path, and echoed answers were passed on with what was safe to show.
    const outcomes = [...codes].join('\n');
    for (const code of ['provider_rejected_request', 'provider_auth_failed', 'provider_unavailable', 'provider_bad_response'])
      expect(outcomes).toContain(code);
    const echoed = responses.filter((response) => response.body?.error?.details?.providerMessage);
    expect(echoed.length).toBeGreaterThan(10);
    expect(echoed.every((response) => response.body.error.details.providerMessage.length <= 200)).toBe(true);
    expect(echoed.some((response) => response.body.error.details.providerMessage.includes('[redacted]'))).toBe(true);
    expect(responses.every((response) => (response.body?.error?.details?.providerCode ?? '').length <= 64)).toBe(true);

    expect(findLeaks(await haystack(), [...canaries, ...refreshTokensIssued()])).toEqual([]);
  });

  it('of every provider in the kits list, as its kit makes them, are in no response, log line or audit row, under every fault', async () => {
    const planted: string[] = [];
    for (const kit of PROVIDER_KITS) {
      const emulator = ctx.emulators[kit.name];
      const account = kit.emulatedAccount(emulator);
      planted.push(...Object.values(account.secrets));
      const providerAccountId = await ctx.createAccount(account);
      // Letters and digits: an identity every provider takes.
      const newEndpoint = (identity: string) =>
        seen(
          ctx.t.http
            .post('/v1/endpoints')
            .set(bearer(ctx.tenant.key))
            .send({ providerAccountId, capabilities: ['incoming', 'outgoing'], ...kit.demoEndpoint(account), userId: identity, identity }),
        );
      const endpoint = await newEndpoint('canary');
      expect(endpoint.status).toBe(201);
      expect((await seen(ctx.issue({ endpointId: endpoint.body.id }))).status).toBe(201);
      // Faults meet the provider wherever Callpass calls it: creating the user there, and minting.
      const provisions = kit.demoEndpoint(account).provision === true;
      const underFault = async (fault: Fault, count: number, run: () => Promise<Response>) => {
        ctx.clock.advance(601_000);
        emulator.clearFaults();
        emulator.failNext(count, fault);
        const arrivals = emulator.receivedCount;
        const answer = await attempt(emulator, fault, run);
        expect(emulator.receivedCount).toBeGreaterThan(arrivals);
        expect(answer.status).toBeGreaterThanOrEqual(400);
      };
      for (const [index, { fault, count }] of FAULTS.entries()) {
        if (provisions) await underFault(fault, count, () => newEndpoint(`canary${index}`));
        if (!kit.signsLocally) await underFault(fault, count, () => seen(ctx.issue({ endpointId: endpoint.body.id })));
      }
      emulator.clearFaults();
      // Tokens Callpass signed to call the provider with (an admin JWT): their signatures are secrets too.
      planted.push(
        ...emulator.requests.flatMap((request) => (request.bearer?.split('.').length === 3 ? [request.bearer.split('.')[2]] : [])),
      );
    }
    expect(planted.length).toBeGreaterThanOrEqual(PROVIDER_KITS.length);
    expect(findLeaks(await haystack(), planted)).toEqual([]);
  });
});
