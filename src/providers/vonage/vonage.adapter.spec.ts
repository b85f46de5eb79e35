import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';
import { decodeJwt as joseDecode, jwtVerify } from 'jose';
import { mintRequest } from '../../../test/helpers/adapter-calls';
import { FakeClock } from '../../../test/helpers/fake-clock';
import { ecKeyPair, rsaKeyPair } from '../../../test/helpers/key-pairs';
import { AppError } from '../../common/errors/app-error';
import { validateObject } from '../../common/validation/validate-object';
import { ProviderHttpClient } from '../http/provider-http-client';
import { MintRequest } from '../provider-adapter';
import { VonageConfigDto } from './vonage-config.dto';
import { VonageSecretsDto } from './vonage-secrets.dto';
import { VonageSigningKeys } from './vonage-signing-keys';
import { adminToken, CLIENT_ACL_PATHS } from './vonage-tokens';
import { VONAGE_MAX_TTL_SECONDS, VonageAdapter } from './vonage.adapter';

const APPLICATION_ID = '3f0e2c1a-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const NOW = new Date('2026-03-01T12:00:00.750Z');
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);

describe('VonageAdapter', () => {
  const keyA = rsaKeyPair();
  const keyB = rsaKeyPair();
  const publicA = createPublicKey(keyA.publicKey);
  const publicB = createPublicKey(keyB.publicKey);
  let adapter: VonageAdapter;

  beforeEach(() => {
    // Minting and its key cache make no HTTP call: the client is never reached here.
    adapter = new VonageAdapter({} as ProviderHttpClient, new FakeClock(NOW));
  });

  const request = (
    overrides: Partial<MintRequest<VonageConfigDto, VonageSecretsDto>> = {},
    privateKey = keyA.privateKey,
    updatedAt = NOW,
  ) =>
    mintRequest<VonageConfigDto, VonageSecretsDto>(
      { id: 'acc-1', updatedAt, config: { applicationId: APPLICATION_ID, region: 'eu' }, secrets: { privateKey } },
      {
        kind: 'access_token',
        now: NOW,
        tokenId: '0195f2a0-0000-7000-8000-000000000001',
        identity: 'alice_42',
        ttlSeconds: 900,
        maxTtlSeconds: VONAGE_MAX_TTL_SECONDS,
        ...overrides,
      },
    );

  const verifiesWith = async (token: string, key: KeyObject) =>
    jwtVerify(token, key, { algorithms: ['RS256'], currentDate: NOW }).then(
      () => true,
      () => false,
    );

  it('signs an RS256 JWT, verified by jose with the public key, carrying exactly the claims Vonage reads', async () => {
    const minted = await adapter.mint(request());
    const { payload, protectedHeader } = await jwtVerify(minted.token, publicA, { algorithms: ['RS256'], currentDate: NOW });
    expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(payload).toEqual({
      application_id: APPLICATION_ID,
      sub: 'alice_42',
      acl: { paths: Object.fromEntries(CLIENT_ACL_PATHS.map((path) => [path, {}])) },
      iat: NOW_SECONDS,
      jti: '0195f2a0-0000-7000-8000-000000000001',
      exp: NOW_SECONDS + 900,
    });
    expect(Object.keys(payload.acl as object)).toEqual(['paths']);
    expect(CLIENT_ACL_PATHS).toContain('/*/sessions/**');
    expect(minted.expiresAt).toEqual(new Date((NOW_SECONDS + 900) * 1000));
    expect(minted.grants).toEqual({ applicationId: APPLICATION_ID, acl: [...CLIENT_ACL_PATHS] });
    expect(minted.extras).toEqual({ applicationId: APPLICATION_ID, region: 'eu' });
    expect(await verifiesWith(minted.token, publicB)).toBe(false);
  });

  it('writes iat in whole seconds and exp as the integer iat + ttl, up to the 24 h Vonage allows', async () => {
    const longest = await adapter.mint(request({ ttlSeconds: VONAGE_MAX_TTL_SECONDS, now: new Date('2026-03-01T12:00:00.999Z') }));
    const claims = joseDecode(longest.token);
    expect(claims.iat).toBe(NOW_SECONDS);
    expect(Number.isInteger(claims.exp)).toBe(true);
    expect(claims.exp! - claims.iat!).toBe(86_400);
    expect(adapter.maxTtlSeconds).toBe(86_400);
    expect(longest.expiresAt.getTime()).toBe(claims.exp! * 1000);
  });

  it('tells the browser its region, "us" when the account names none', async () => {
    const minted = await adapter.mint(
      request({
        account: { id: 'acc-2', updatedAt: NOW, config: { applicationId: APPLICATION_ID }, secrets: { privateKey: keyA.privateKey } },
      }),
    );
    expect(minted.extras).toEqual({ applicationId: APPLICATION_ID, region: 'us' });
  });

  it('keeps one parsed key per account version: reused while updatedAt stands, re-read when it moves, dropped on forgetAccount', async () => {
    const later = new Date(NOW.getTime() + 1000);
    expect(await verifiesWith((await adapter.mint(request({}, keyA.privateKey, NOW))).token, publicA)).toBe(true);
    // Same version, other key in hand: the cached key still signs (so the PEM was not parsed again).
    expect(await verifiesWith((await adapter.mint(request({}, keyB.privateKey, NOW))).token, publicA)).toBe(true);
    // The account changed: its new key signs.
    expect(await verifiesWith((await adapter.mint(request({}, keyB.privateKey, later))).token, publicB)).toBe(true);
    // A request still holding the older version signs with that version's key, and does not evict the newer one.
    expect(await verifiesWith((await adapter.mint(request({}, keyA.privateKey, NOW))).token, publicA)).toBe(true);
    expect(await verifiesWith((await adapter.mint(request({}, keyA.privateKey, later))).token, publicB)).toBe(true);
    adapter.forgetAccount('acc-1');
    expect(await verifiesWith((await adapter.mint(request({}, keyA.privateKey, later))).token, publicA)).toBe(true);
  });

  it('keeps a parsed key for a minute at most, so one changed through another replica does not linger', () => {
    let now = 1_000;
    const keys = new VonageSigningKeys({ perf: { now: () => now } });
    const account = { id: 'acc-3', updatedAt: NOW, secrets: { privateKey: keyA.privateKey } };
    const first = keys.keyFor(account);
    now = 60_000;
    expect(keys.keyFor(account)).toBe(first);
    now = 61_001;
    expect(keys.keyFor(account)).not.toBe(first);
  });

  it('signs admin tokens for the Users API with the same claims minus sub and acl, living 5 minutes', async () => {
    const token = adminToken(APPLICATION_ID, NOW_SECONDS, createPrivateKey(keyA.privateKey));
    const { payload, protectedHeader } = await jwtVerify(token, publicA, { algorithms: ['RS256'], currentDate: NOW });
    expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(payload).toEqual({
      application_id: APPLICATION_ID,
      iat: NOW_SECONDS,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      exp: NOW_SECONDS + 300,
    });
    expect(joseDecode(adminToken(APPLICATION_ID, NOW_SECONDS, createPrivateKey(keyA.privateKey))).jti).not.toBe(payload.jti);
  });

  it.each(['alice', 'alice_42', 'a.b-c', 'A'.repeat(100)])('accepts %s as a Vonage user name', (identity) => {
    expect(adapter.identityProblem(identity)).toBeUndefined();
  });

  it.each(['', 'alice@acme.example', 'alice smith', 'sip:alice', 'ålice', 'A'.repeat(101)])(
    'refuses %j as a Vonage user name',
    (identity) => {
      expect(adapter.identityProblem(identity)).toMatch(/^Vonage user names here are 1-100 letters/);
    },
  );
});

describe('Vonage credentials', () => {
  const rsa = rsaKeyPair();
  const pkcs1 = createPrivateKey(rsa.privateKey).export({ type: 'pkcs1', format: 'pem' }).toString();
  const ec = ecKeyPair();
  const short = rsaKeyPair(1024);
  // Signing cost grows with the key: anything above 4096 bits is refused (generating this one takes a second or two).
  const long = rsaKeyPair(4160);
  const smallExponent = rsaKeyPair(2048, 3);
  const encrypted = (type: 'pkcs8' | 'pkcs1') =>
    createPrivateKey(rsa.privateKey).export({ type, format: 'pem', cipher: 'aes-256-cbc', passphrase: 'correct horse' }).toString();
  const pkcs1Public = createPublicKey(rsa.publicKey).export({ type: 'pkcs1', format: 'pem' }).toString();
  const notPem = 'must be an RSA private key in PEM (a "BEGIN PRIVATE KEY" or "BEGIN RSA PRIVATE KEY" block, with real line breaks)';
  const twoBlocks = "must be one PEM block, not 2: store only the application's private key";

  const problemWith = (privateKey: unknown): { fields: unknown; text: string } | undefined => {
    try {
      validateObject(VonageSecretsDto, { privateKey }, 'secrets');
      return undefined;
    } catch (error) {
      const appError = error as AppError;
      expect(appError.code).toBe('validation_failed');
      return { fields: appError.details.fields, text: JSON.stringify({ message: appError.message, details: appError.details }) };
    }
  };

  it('accepts an unencrypted 2048-bit RSA key in PKCS#8 or PKCS#1 PEM', () => {
    expect(problemWith(rsa.privateKey)).toBeUndefined();
    expect(problemWith(`\r\n${rsa.privateKey.replace(/\n/g, '\r\n')}\n\n`)).toBeUndefined();
    expect(pkcs1).toMatch(/^-----BEGIN RSA PRIVATE KEY/);
    expect(problemWith(pkcs1)).toBeUndefined();
  });

  it.each([
    ['a public key (SPKI)', () => rsa.publicKey, 'is a public key: store the private key of the application'],
    ['a public key (PKCS#1)', () => pkcs1Public, 'is a public key: store the private key of the application'],
    ['an EC key', () => ec.privateKey, 'must be an RSA key (tokens are signed with RS256), not ec'],
    ['a 1024-bit RSA key', () => short.privateKey, 'must be 2048 to 4096 bits long, not 1024'],
    ['a 4160-bit RSA key', () => long.privateKey, 'must be 2048 to 4096 bits long, not 4160'],
    ['an RSA key with exponent 3', () => smallExponent.privateKey, 'must have the public exponent 65537'],
    ['an encrypted PKCS#8 key', () => encrypted('pkcs8'), 'is encrypted: store the key without a passphrase'],
    ['an encrypted PKCS#1 key', () => encrypted('pkcs1'), 'is encrypted: store the key without a passphrase'],
    ['a key with escaped line breaks', () => rsa.privateKey.replace(/\n/g, '\\n'), notPem],
    ['a PEM with a damaged body', () => rsa.privateKey.replace(/\n[A-Za-z0-9+/]{12}/, '\n############'), notPem],
    ['garbage', () => 'not a key at all', notPem],
    ['a number', () => 42, notPem],
    ['an oversized value', () => rsa.privateKey.repeat(10), notPem],
    // OpenSSL reads only the first block: a second, weaker key (or anything else) would be stored unchecked.
    ['a 2048-bit key followed by a 1024-bit key', () => rsa.privateKey + short.privateKey, twoBlocks],
    ['a 2048-bit PKCS#8 key followed by its PKCS#1 form', () => `${rsa.privateKey}\n${pkcs1}`, twoBlocks],
    ['a key followed by a public key', () => rsa.privateKey + rsa.publicKey, twoBlocks],
    ['a key followed by a stray END line', () => `${rsa.privateKey}-----END PRIVATE KEY-----\n`, twoBlocks],
    ['a key with text before it', () => `Bag Attributes\n    localKeyID: 01\n${rsa.privateKey}`, notPem],
    ['a key with text after it', () => `${rsa.privateKey}trailing`, notPem],
  ])('refuses %s, naming the reason and never quoting the key', (_label, value, message) => {
    const key = value();
    const problem = problemWith(key);
    expect(problem?.fields).toEqual([{ field: 'secrets.privateKey', messages: [`privateKey ${message}`] }]);
    if (typeof key === 'string') {
      const body = key.split(/\\n|\n/).filter((line) => line.length > 20 && !line.startsWith('-----'));
      for (const line of body) expect(problem!.text).not.toContain(line);
      expect(problem!.text).not.toContain(key);
    }
  });

  it('refuses an application id that is not a UUID and a region the browser SDK does not know', () => {
    expect(() => validateObject(VonageConfigDto, { applicationId: APPLICATION_ID, region: 'ap' }, 'config')).not.toThrow();
    let details: unknown;
    try {
      validateObject(VonageConfigDto, { applicationId: 'app-1', region: 'mars' }, 'config');
    } catch (error) {
      details = (error as AppError).details;
    }
    expect(details).toEqual({
      fields: [
        { field: 'config.applicationId', messages: ['applicationId must be a UUID'] },
        { field: 'config.region', messages: ['region must be one of the following values: us, eu, ap'] },
      ],
    });
  });
});
