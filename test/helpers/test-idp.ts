import http from 'node:http';
import { AddressInfo } from 'node:net';
import { CryptoKey, exportJWK, exportSPKI, generateKeyPair, JWK, JWTPayload, SignJWT } from 'jose';

export interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  publicPem: string;
}

export interface SignOptions {
  key?: SigningKey;
  /** Header fields to add or override (kid, typ, jku, …). */
  header?: Record<string, unknown>;
}

/** An identity provider on loopback: it serves a JWKS (counting the fetches) and signs end users' tokens. */
export interface TestIdp {
  issuer: string;
  jwksUrl: string;
  keys: SigningKey[];
  /** How many times the JWKS was fetched. */
  fetches(): number;
  /** Answers the JWKS with this status from now on (undefined: serve it again). */
  failWith(status: number | undefined): void;
  sign(claims: JWTPayload, options?: SignOptions): Promise<string>;
  /** Publishes a new key (first in the set) and signs with it from now on; the old keys stay published unless `retire`. */
  rotate(options?: { retire?: boolean }): Promise<SigningKey>;
  close(): Promise<void>;
}

export async function createSigningKey(alg = 'RS256', kid = `key-${Math.random().toString(36).slice(2, 10)}`): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return {
    kid,
    alg,
    privateKey,
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
    publicPem: await exportSPKI(publicKey),
  };
}

/** Signs `claims` as-is (the caller sets iss, aud, sub, iat, exp). */
export async function signToken(claims: JWTPayload, key: SigningKey, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header }).sign(key.privateKey);
}

export async function startTestIdp(): Promise<TestIdp> {
  let fetches = 0;
  let failure: number | undefined;
  const keys = [await createSigningKey()];
  const server = http.createServer((request, response) => {
    if (request.url !== '/jwks') return void response.writeHead(404).end();
    fetches += 1;
    if (failure) return void response.writeHead(failure).end();
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: keys.map((key) => key.publicJwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer: `${origin}/`,
    jwksUrl: `${origin}/jwks`,
    keys,
    fetches: () => fetches,
    failWith: (status) => (failure = status),
    sign: (claims, options = {}) => signToken(claims, options.key ?? keys[0], options.header),
    rotate: async ({ retire = false } = {}) => {
      const key = await createSigningKey();
      if (retire) keys.splice(0, keys.length);
      keys.unshift(key);
      return key;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
