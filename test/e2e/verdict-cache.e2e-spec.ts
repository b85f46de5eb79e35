import { MetricsService } from '../../src/metrics/metrics';
import { providerKits } from '../../src/providers/provider-kits';
import { claimsAt, clientIssue, configureEndUserAuth, setTenantSettings } from '../helpers/end-users';
import { createIssuingContext, IssuingContext } from '../helpers/issuing';
import { createSigningKey, signToken, SigningKey, startTestIdp, TestIdp } from '../helpers/test-idp';
import { createTestDatabase, TestDatabase, withoutNotifications } from '../helpers/test-database';

const PEM_ISSUER = 'https://short-lived.example/';

/**
 * A verified IdP token's verdict is kept by the token's hash, for no longer than the token's `exp`, nor than the key
 * set that verified it. Here the caches may keep anything for 300 s (CACHE_TTL_SECONDS at its maximum), so only
 * those two bounds can end a verdict: each test checks that the verdict was served from memory just before its end,
 * and that the same token is judged afresh, and refused, at its end.
 *
 * The database delivers no notifications (as in caches.e2e-spec.ts): the echo of a setup change arriving late would
 * drop a verdict at a moment of its own choosing. This replica's own changes still reach its caches at once.
 */
describe('a verdict on an IdP token, with the caches keeping values for 300 s', () => {
  let ctx: IssuingContext;
  let database: TestDatabase;
  let idp: TestIdp;
  let pemKey: SigningKey;

  /** How many times a verdict was served from memory so far. */
  const verdictHits = async () =>
    (await ctx.t.app.get(MetricsService).cacheLookups.get()).values.find(
      (value) => value.labels.cache === 'end_user_token_verdicts' && value.labels.result === 'hit',
    )?.value ?? 0;
  const outcome = async (token: string) => {
    const answer = await clientIssue(ctx.t, ctx.tenant, token);
    return `${answer.status} ${answer.body.error?.code ?? answer.body.identity}`;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    ctx = await createIssuingContext({ database: withoutNotifications(database), env: { CACHE_TTL_SECONDS: '300' } });
    idp = await startTestIdp();
    pemKey = await createSigningKey('ES256', 'short-lived');
    const account = await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio));
    await ctx.createEndpoint(account, { userId: 'short_lived' });
    await ctx.createEndpoint(account, { userId: 'rotated' });
    await setTenantSettings(ctx.t, ctx.tenant);
    await configureEndUserAuth(ctx.t, ctx.tenant, {
      // One user base (the same, empty, prefix); no allowance for the issuers' clocks: exp is exact.
      issuers: [
        { issuer: PEM_ISSUER, audience: 'callpass', publicKeyPem: pemKey.publicPem, clockSkewSeconds: 0, userIdPrefix: '' },
        {
          issuer: idp.issuer,
          audience: 'callpass',
          jwksUrl: idp.jwksUrl,
          algorithms: ['RS256'],
          jwksMaxAgeSeconds: 10,
          clockSkewSeconds: 0,
          userIdPrefix: '',
        },
      ],
    });
  });
  afterAll(async () => {
    await ctx?.close();
    await database?.drop();
    await idp?.close();
  });

  it('refuses a token it accepted from its memory until the second of its exp, and from then on as expired', async () => {
    const claims = claimsAt(ctx, PEM_ISSUER, 'short_lived', 'callpass', 5);
    const token = await signToken(claims, pemKey);
    const expiresAt = claims.exp * 1000;
    expect(await outcome(token)).toBe('201 short_lived');

    ctx.clock.set(new Date(expiresAt - 1));
    const hits = await verdictHits();
    expect(await outcome(token)).toBe('201 short_lived');
    expect(await verdictHits()).toBe(hits + 1);

    // The cache would keep the verdict for 300 s: the token's exp ends it, and the token is judged afresh.
    ctx.clock.set(new Date(expiresAt));
    expect(await outcome(token)).toBe('401 end_user_token_expired');
    expect(await verdictHits()).toBe(hits + 1);
  });

  it('refuses a token whose key the IdP removed once the key set that verified it is due, though the token lasts longer', async () => {
    const token = await idp.sign(claimsAt(ctx, idp.issuer, 'rotated'));
    const fetchedAt = ctx.clock.now().getTime();
    const fetches = idp.fetches();
    expect(await outcome(token)).toBe('201 rotated');
    expect(idp.fetches()).toBe(fetches + 1);
    await idp.rotate({ retire: true });

    // The set fetched then is used for 10 s (jwksMaxAgeSeconds), and so is the verdict it gave.
    ctx.clock.set(new Date(fetchedAt + 9_999));
    const hits = await verdictHits();
    expect(await outcome(token)).toBe('201 rotated');
    expect(await verdictHits()).toBe(hits + 1);
    expect(idp.fetches()).toBe(fetches + 1);

    // The token has 590 s to go and the cache 290 s: the set is due, is fetched again, and lacks the key.
    ctx.clock.set(new Date(fetchedAt + 10_000));
    expect(await outcome(token)).toBe('401 end_user_key_unknown');
    expect(await verdictHits()).toBe(hits + 1);
    expect(idp.fetches()).toBe(fetches + 2);
  });
});
