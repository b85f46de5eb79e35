import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { base64url, JWK, SignJWT } from 'jose';
import { claimsAt, clientIssue, configureEndUserAuth, createEnrollingContext } from '../helpers/end-users';
import { IssuingContext } from '../helpers/issuing';
import { bearer } from '../helpers/test-app';
import { createSigningKey, signToken } from '../helpers/test-idp';

const SHARED_SECRET = 'a-shared-secret-for-hs256-at-least-32-chars';

/** A key-set endpoint on loopback answering whatever the test sets: a body, and Cache-Control (one header line or several). */
interface KeySetServer {
  url: string;
  fetches: number;
  body: string;
  cacheControl?: string | string[];
  /** Sends the headers and part of the body, then drops the connection. */
  dropMidBody?: boolean;
  close(): Promise<void>;
}

async function startKeySetServer(): Promise<KeySetServer> {
  const served: KeySetServer = {
    url: '',
    fetches: 0,
    body: '{"keys":[]}',
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((_, response) => {
    served.fetches += 1;
    response.setHeader('content-type', 'application/json');
    if (served.cacheControl !== undefined) response.setHeader('cache-control', served.cacheControl);
    if (!served.dropMidBody) return void response.writeHead(200).end(served.body);
    response.writeHead(200, { 'content-length': String(served.body.length + 100) });
    response.write(served.body.slice(0, 10), () => response.socket?.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  served.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  return served;
}

describe('identity-provider keys of every kind, key sets answered oddly, and kept secrets', () => {
  let ctx: IssuingContext;
  let keySet: KeySetServer;
  const outcome = async (token: string) => {
    const answer = await clientIssue(ctx.t, ctx.tenant, token);
    return `${answer.status} ${answer.body.error?.code ?? answer.body.identity}`;
  };
  const putAuth = (issuers: object[]) => ctx.t.http.put('/v1/end-user-auth').set(bearer(ctx.tenant.key)).send({ sessions: false, issuers });
  const signShared = (claims: Record<string, unknown>, secret = SHARED_SECRET) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(secret));

  beforeAll(async () => {
    ctx = await createEnrollingContext();
    keySet = await startKeySetServer();
  });
  afterAll(async () => {
    await ctx?.close();
    await keySet?.close();
  });

  it('keeps the shared secret of an issuer a later PUT names without one, and refuses a new issuer named without a key', async () => {
    const issuer = 'https://kept-secret.example/';
    await configureEndUserAuth(ctx.t, ctx.tenant, { issuers: [{ issuer, audience: 'callpass', secret: SHARED_SECRET }] });
    expect(await outcome(await signShared(claimsAt(ctx, issuer, 'kept')))).toBe('201 kept');

    // The same issuer again, its secret left out (as a PUT built from the GET, which never shows the secret).
    const kept = await putAuth([{ issuer, audience: 'callpass', clockSkewSeconds: 30 }]).expect(200);
    expect(kept.body.issuers).toEqual([expect.objectContaining({ issuer, algorithms: ['HS256'], clockSkewSeconds: 30 })]);
    expect(await outcome(await signShared(claimsAt(ctx, issuer, 'kept')))).toBe('201 kept');
    expect(await outcome(await signShared(claimsAt(ctx, issuer, 'kept'), `${SHARED_SECRET}-other`))).toBe('401 end_user_signature_invalid');

    // Another issuer cannot inherit it: with no key of its own it is refused, and the stored configuration stays.
    const other = await putAuth([{ issuer: 'https://no-key.example/', audience: 'callpass' }]).expect(400);
    expect(other.body.error.details.fields).toEqual([
      { field: 'issuers[0]', messages: ['give exactly one of jwksUrl, publicKeyPem or secret'] },
    ]);
    expect(await outcome(await signShared(claimsAt(ctx, issuer, 'kept')))).toBe('201 kept');
  });

  it('verifies EdDSA tokens with an Ed25519 public key given as a PEM', async () => {
    const issuer = 'https://ed25519-pem.example/';
    const key = await createSigningKey('EdDSA');
    await configureEndUserAuth(ctx.t, ctx.tenant, { issuers: [{ issuer, audience: 'callpass', publicKeyPem: key.publicPem }] });
    expect(await outcome(await signToken(claimsAt(ctx, issuer, 'edna'), key))).toBe('201 edna');
  });

  it('verifies a token of each asymmetric algorithm it offers, with the key given as a PEM or in a key set', async () => {
    const outcomes: string[][] = [];
    for (const alg of ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']) {
      const key = await createSigningKey(alg, `${alg}-key`);
      const [pemIssuer, setIssuer] = [`https://pem-${alg}.example/`, `https://set-${alg}.example/`];
      keySet.body = JSON.stringify({ keys: [key.publicJwk] });
      const configured = await putAuth([
        { issuer: pemIssuer, audience: 'callpass', publicKeyPem: key.publicPem, userIdPrefix: 'pem_' },
        { issuer: setIssuer, audience: 'callpass', jwksUrl: `${keySet.url}?${alg}`, userIdPrefix: 'set_' },
      ]);
      outcomes.push([
        alg,
        String(configured.status),
        await outcome(await signToken(claimsAt(ctx, pemIssuer, 'algo'), key)),
        await outcome(await signToken(claimsAt(ctx, setIssuer, 'algo'), key)),
      ]);
    }
    expect(outcomes).toEqual(outcomes.map(([alg]) => [alg, '200', '201 pem_algo', '201 set_algo']));
  });

  it('takes an empty user claim for none, even where the prefix alone would make a valid user id', async () => {
    const issuer = 'https://empty-sub.example/';
    const key = await createSigningKey('ES256', 'empty-sub');
    await configureEndUserAuth(ctx.t, ctx.tenant, {
      issuers: [{ issuer, audience: 'callpass', publicKeyPem: key.publicPem, userIdPrefix: 'acme_' }],
    });
    const refused = await clientIssue(ctx.t, ctx.tenant, await signToken(claimsAt(ctx, issuer, ''), key)).expect(401);
    expect(refused.body.error).toMatchObject({ code: 'end_user_claim_missing', details: { claim: 'sub' } });
    expect(await outcome(await signToken(claimsAt(ctx, issuer, 'x'), key))).toBe('201 acme_x');
  });

  it('refuses on PUT a PEM on a curve tokens cannot be verified with, and one that holds no readable key', async () => {
    const issuer = 'https://pem-keys.example/';
    const secp256k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const curve = await putAuth([{ issuer, audience: 'callpass', publicKeyPem: secp256k1 }]).expect(400);
    expect(curve.body.error.details.fields).toEqual([
      { field: 'issuers[0].publicKeyPem', messages: [expect.stringContaining('EC (P-256, P-384, P-521)')] },
    ]);
    const unreadable = '-----BEGIN PUBLIC KEY-----\nAAAAAAAAAAAAAAAAAAAAAAAA\n-----END PUBLIC KEY-----\n';
    const garbled = await putAuth([{ issuer, audience: 'callpass', publicKeyPem: unreadable }]).expect(400);
    expect(garbled.body.error.details.fields).toEqual([
      { field: 'issuers[0].publicKeyPem', messages: ['publicKeyPem is not a readable public key'] },
    ]);
  });

  it("verifies with a key set's keys that name no algorithm by their type and curve, and leaves out the ones it cannot use", async () => {
    const issuer = 'https://alg-less.example/';
    const rsa = await createSigningKey('RS256', 'rsa-no-alg');
    const ec = await createSigningKey('ES256', 'ec-no-alg');
    const withoutAlg = ({ alg: _alg, ...jwk }: JWK) => jwk;
    const okp = (crv: string, kid: string): JWK => ({ kty: 'OKP', crv, x: base64url.encode(new Uint8Array(32).fill(9)), kid });
    const point = base64url.encode(new Uint8Array(32).fill(7));
    const keys: JWK[] = [
      withoutAlg(rsa.publicJwk),
      withoutAlg(ec.publicJwk),
      okp('X25519', 'x25519'),
      okp('Ed448', 'ed448'),
      { kty: 'EC', crv: 'secp256k1', x: point, y: point, kid: 'secp256k1' },
      { kty: 'RSA', e: 'AQAB', kid: 'rsa-without-modulus' },
      { kty: 'RSA', e: 'AQAB', n: base64url.encode(new Uint8Array(256)), kid: 'rsa-zero-modulus' },
    ];
    keySet.body = JSON.stringify({ keys });
    /** Configures the issuer, has a token verified (which fetches the set), and reads the key ids the fetch kept. */
    const keyIdsFor = async (algorithms?: string[]) => {
      const answer = await putAuth([{ issuer, audience: 'callpass', jwksUrl: keySet.url, ...(algorithms ? { algorithms } : {}) }]);
      if (answer.status !== 200) return answer.body.error;
      expect(await outcome(await signToken(claimsAt(ctx, issuer, 'ally'), rsa))).toBe('201 ally');
      return (await ctx.t.http.get('/v1/end-user-auth').set(bearer(ctx.tenant.key))).body.issuers[0].jwks.keyIds;
    };
    expect(await keyIdsFor()).toEqual(['rsa-no-alg', 'ec-no-alg']);
    expect(await outcome(await signToken(claimsAt(ctx, issuer, 'ally'), ec))).toBe('201 ally');
    expect(await keyIdsFor(['RS256'])).toEqual(['rsa-no-alg']);
    expect(await outcome(await signToken(claimsAt(ctx, issuer, 'ally'), ec))).toBe('401 end_user_algorithm_not_allowed');
    expect(await keyIdsFor(['EdDSA'])).toMatchObject({ code: 'end_user_jwks_unreachable', details: { issuer, cause: 'no_usable_keys' } });
  });

  it('refuses as of an unknown key a token whose kid names two keys of the set, neither of which is chosen for it', async () => {
    const issuer = 'https://twin-kids.example/';
    const [first, second] = await Promise.all([createSigningKey('RS256', 'twin'), createSigningKey('RS256', 'twin')]);
    keySet.body = JSON.stringify({ keys: [first.publicJwk, second.publicJwk] });
    await configureEndUserAuth(ctx.t, ctx.tenant, { issuers: [{ issuer, audience: 'callpass', jwksUrl: `${keySet.url}?twins` }] });
    expect(await outcome(await signToken(claimsAt(ctx, issuer, 'tess'), first))).toBe('401 end_user_key_unknown');
    expect(await outcome(await signToken(claimsAt(ctx, issuer, 'tess'), second))).toBe('401 end_user_key_unknown');
  });

  it('tells a key set whose answer breaks off part-way as a connection failure, not as one too large', async () => {
    const issuer = 'https://broken-off.example/';
    keySet.body = JSON.stringify({ keys: [(await createSigningKey('RS256', 'cut')).publicJwk] });
    keySet.dropMidBody = true;
    try {
      const refused = await putAuth([{ issuer, audience: 'callpass', jwksUrl: `${keySet.url}?cut` }]);
      expect([refused.status, refused.body.error?.details]).toEqual([422, { issuer, cause: 'connect' }]);
    } finally {
      keySet.dropMidBody = false;
    }
  });

  it('refuses on PUT a JSON answer that is no key set: no keys list, or entries that are not objects', async () => {
    const issuer = 'https://not-a-key-set.example/';
    const causes = [];
    for (const body of ['{}', '[]', '{"keys":{}}', '{"keys":"none"}', '{"keys":[1]}', '{"keys":[null]}', '{"keys":[[]]}']) {
      keySet.body = body;
      // A new URL each time: a stored one that was checked is not fetched again.
      const refused = await putAuth([{ issuer, audience: 'callpass', jwksUrl: `${keySet.url}?${causes.length}` }]);
      causes.push([body, refused.status, refused.body.error?.details?.cause]);
    }
    expect(causes).toEqual(causes.map(([body]) => [body, 422, 'not_json']));
  });

  it("reads every Cache-Control line of a key set's answer, and keeps a set whose answer names no max-age for the issuer's maximum", async () => {
    const issuer = 'https://cache-lines.example/';
    const key = await createSigningKey('RS256', 'cached');
    keySet.body = JSON.stringify({ keys: [key.publicJwk] });
    const fetchesAfter = async (atMs: number, fetchedAt: number) => {
      ctx.clock.set(new Date(fetchedAt + atMs));
      const before = keySet.fetches;
      expect(await outcome(await signToken(claimsAt(ctx, issuer, 'carl'), key))).toBe('201 carl');
      return keySet.fetches - before;
    };
    try {
      keySet.cacheControl = ['public', 'max-age=20'];
      await configureEndUserAuth(ctx.t, ctx.tenant, {
        issuers: [{ issuer, audience: 'callpass', jwksUrl: `${keySet.url}?lines`, checkJwks: false, jwksMaxAgeSeconds: 600 }],
      });
      let fetchedAt = ctx.clock.now().getTime();
      expect(await fetchesAfter(0, fetchedAt)).toBe(1);
      expect(await fetchesAfter(19_999, fetchedAt)).toBe(0);
      expect(await fetchesAfter(20_000, fetchedAt)).toBe(1);

      keySet.cacheControl = 'public';
      await configureEndUserAuth(ctx.t, ctx.tenant, {
        issuers: [{ issuer, audience: 'callpass', jwksUrl: `${keySet.url}?no-max-age`, checkJwks: false, jwksMaxAgeSeconds: 30 }],
      });
      fetchedAt = ctx.clock.now().getTime();
      expect(await fetchesAfter(0, fetchedAt)).toBe(1);
      expect(await fetchesAfter(29_999, fetchedAt)).toBe(0);
      expect(await fetchesAfter(30_000, fetchedAt)).toBe(1);
    } finally {
      keySet.cacheControl = undefined;
    }
  });
});
