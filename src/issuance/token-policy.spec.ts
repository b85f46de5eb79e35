import {
  checkLifetime,
  credentialLimits,
  DEFAULT_TTL_SECONDS,
  grantCapabilities,
  refreshAfter,
  resolveTtl,
  ttlLimits,
} from './token-policy';

describe('token lifetime', () => {
  it('defaults to 10 minutes, or the account default over the tenant default', () => {
    expect(resolveTtl(undefined, ttlLimits({}, {}, { maxTtlSeconds: 86_400 }))).toBe(DEFAULT_TTL_SECONDS);
    expect(resolveTtl(undefined, ttlLimits({ defaultSeconds: 900 }, {}, { maxTtlSeconds: 86_400 }))).toBe(900);
    expect(resolveTtl(undefined, ttlLimits({ defaultSeconds: 900 }, { defaultSeconds: 300 }, { maxTtlSeconds: 86_400 }))).toBe(300);
  });

  it("falls back on the provider's own default before 10 minutes", () => {
    expect(resolveTtl(undefined, ttlLimits({}, {}, { maxTtlSeconds: 86_400, defaultTtlSeconds: 900 }))).toBe(900);
    expect(resolveTtl(undefined, ttlLimits({ defaultSeconds: 300 }, {}, { maxTtlSeconds: 86_400, defaultTtlSeconds: 900 }))).toBe(300);
  });

  it('cuts a request to the smallest maximum of provider, tenant and account', () => {
    expect(resolveTtl(200_000, ttlLimits({}, {}, { maxTtlSeconds: 86_400 }))).toBe(86_400);
    expect(resolveTtl(7200, ttlLimits({ maxSeconds: 3600 }, {}, { maxTtlSeconds: 86_400 }))).toBe(3600);
    expect(resolveTtl(7200, ttlLimits({ maxSeconds: 3600 }, { maxSeconds: 1800 }, { maxTtlSeconds: 86_400 }))).toBe(1800);
    expect(resolveTtl(7200, ttlLimits({ maxSeconds: 3600 }, { maxSeconds: 7200 }, { maxTtlSeconds: 86_400 }))).toBe(3600);
    expect(resolveTtl(undefined, ttlLimits({ defaultSeconds: 3600 }, { maxSeconds: 60 }, { maxTtlSeconds: 86_400 }))).toBe(60);
  });
});

describe("an end user's credential", () => {
  const limits = { defaultSeconds: 600, maxSeconds: 7200 };
  it('cuts the maximum (and the default) to the time the credential has left, never below the 60 s minimum', () => {
    expect(credentialLimits(limits, undefined)).toEqual(limits);
    expect(credentialLimits(limits, 10_800)).toEqual(limits);
    expect(credentialLimits(limits, 3600)).toEqual({ defaultSeconds: 600, maxSeconds: 3600 });
    expect(credentialLimits(limits, 300)).toEqual({ defaultSeconds: 300, maxSeconds: 300 });
    expect(credentialLimits(limits, 10)).toEqual({ defaultSeconds: 60, maxSeconds: 60 });
    expect(credentialLimits(limits, -5)).toEqual({ defaultSeconds: 60, maxSeconds: 60 });
  });

  it('bounds a requested lifetime the same way', () => {
    expect(resolveTtl(3600, limits, 120)).toBe(120);
    expect(resolveTtl(undefined, limits, 30)).toBe(60);
    expect(resolveTtl(30, limits, 3600)).toBe(30);
  });
});

describe('capabilities', () => {
  it('grants what was asked when both endpoint and account allow it', () => {
    expect(grantCapabilities(['outgoing'], { endpoint: ['incoming', 'outgoing'], account: undefined }, undefined)).toEqual(['outgoing']);
  });

  it('grants everything allowed when nothing is asked', () => {
    expect(grantCapabilities(undefined, { endpoint: ['outgoing', 'incoming'], account: ['incoming', 'outgoing'] }, undefined)).toEqual([
      'incoming',
      'outgoing',
    ]);
    expect(grantCapabilities(undefined, { endpoint: ['incoming', 'outgoing'], account: ['incoming'] }, undefined)).toEqual(['incoming']);
  });

  it('refuses (403 capability_not_allowed) to grant more than endpoint and account both allow', () => {
    expect(() => grantCapabilities(['outgoing'], { endpoint: ['incoming'], account: undefined }, undefined)).toThrow(
      expect.objectContaining({ code: 'capability_not_allowed', details: { requested: ['outgoing'], allowed: ['incoming'] } }),
    );
    expect(() => grantCapabilities(['outgoing'], { endpoint: ['incoming', 'outgoing'], account: ['incoming'] }, undefined)).toThrow(
      expect.objectContaining({ code: 'capability_not_allowed' }),
    );
    expect(() => grantCapabilities(undefined, { endpoint: [], account: undefined }, undefined)).toThrow(
      expect.objectContaining({ code: 'capability_not_allowed' }),
    );
  });

  it("narrows to the caller's own grant (an end-user session), where it names one", () => {
    const both = ['incoming', 'outgoing'] as const;
    expect(grantCapabilities(undefined, { endpoint: both, caller: ['incoming'] }, undefined)).toEqual(['incoming']);
    expect(grantCapabilities(undefined, { endpoint: both, caller: [] }, undefined)).toEqual(['incoming', 'outgoing']);
    expect(() => grantCapabilities(['outgoing'], { endpoint: both, caller: ['incoming'] }, undefined)).toThrow(
      expect.objectContaining({ code: 'capability_not_allowed', details: { requested: ['outgoing'], allowed: ['incoming'] } }),
    );
    expect(() => grantCapabilities(undefined, { endpoint: both, caller: ['incoming'] }, both)).toThrow(
      expect.objectContaining({ code: 'capability_not_allowed' }),
    );
  });

  it('mints a fixed-capability token only if all it conveys is allowed', () => {
    expect(grantCapabilities(undefined, { endpoint: ['incoming', 'outgoing'], account: undefined }, ['incoming', 'outgoing'])).toEqual([
      'incoming',
      'outgoing',
    ]);
    expect(() => grantCapabilities(undefined, { endpoint: ['outgoing'], account: undefined }, ['incoming', 'outgoing'])).toThrow(
      expect.objectContaining({ code: 'capability_not_allowed' }),
    );
    expect(() => grantCapabilities(['incoming'], { endpoint: ['incoming', 'outgoing'], account: undefined }, ['outgoing'])).toThrow(
      expect.objectContaining({ code: 'capability_not_supported' }),
    );
  });
});

describe('refreshAfter', () => {
  const now = new Date('2026-11-22T10:00:00Z');
  const after = (seconds: number) => (refreshAfter(now, new Date(now.getTime() + seconds * 1000)).getTime() - now.getTime()) / 1000;

  it('asks for a new token a fifth of the lifetime before expiry, within 30 s to 5 min', () => {
    expect(after(600)).toBe(480);
    expect(after(3600)).toBe(3300);
    expect(after(86_400)).toBe(86_100);
    expect(after(120)).toBe(90);
  });

  it('never points into the past', () => {
    expect(after(20)).toBe(0);
  });
});

describe('checkLifetime', () => {
  const now = new Date('2026-11-22T10:00:00Z');
  const minted = (expiresAt: Date) => ({ token: 't', expiresAt, grants: {} });
  const limits = { defaultSeconds: 600, maxSeconds: 3600 };

  it('lets a token the provider timed within the maximum go out, and refuses a longer one', () => {
    expect(() => checkLifetime(now, minted(new Date(now.getTime() + 3600_000)), limits)).not.toThrow();
    expect(() => checkLifetime(now, minted(new Date(now.getTime() + 3601_000)), limits)).toThrow(
      expect.objectContaining({ code: 'lifetime_exceeds_policy', details: { providerLifetimeSeconds: 3601, maxSeconds: 3600 } }),
    );
  });

  it('counts a part second past the maximum as a whole second over, and refuses it', () => {
    expect(() => checkLifetime(now, minted(new Date(now.getTime() + 3_600_500)), limits)).toThrow(
      expect.objectContaining({ code: 'lifetime_exceeds_policy', details: { providerLifetimeSeconds: 3601, maxSeconds: 3600 } }),
    );
  });

  it('refuses a token whose expiry cannot be read', () => {
    expect(() => checkLifetime(now, minted(new Date(Number.NaN)), limits)).toThrow(
      expect.objectContaining({ code: 'lifetime_exceeds_policy' }),
    );
  });
});
