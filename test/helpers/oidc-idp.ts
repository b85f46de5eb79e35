import { ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { Agent, request } from 'undici';
import { base64url, decodeProtectedHeader } from 'jose';

/** A real OpenID provider (oidc-provider 9) over https on loopback, in a child process (it is ESM-only). */
export interface OidcIdp {
  /** `https://localhost:<port>`, the tokens' `iss`. */
  issuer: string;
  jwksUrl: string;
  /** A fresh RFC 9068 access token (`typ: at+jwt`, `aud: callpass`, `sub: backend`) from the token endpoint. */
  token(): Promise<string>;
  /** Publishes a new key and signs with it from now on; returns its kid. */
  addKey(): Promise<string>;
  /** Removes every key but the newest from the JWKS. */
  retireOldKeys(): Promise<string[]>;
  /** How many times the JWKS was requested. */
  jwksFetches(): Promise<number>;
  /** Sends this Cache-Control with the JWKS from now on (undefined: none). */
  setCacheControl(value: string | undefined): Promise<void>;
  close(): Promise<void>;
}

/** The token with its header's kid replaced (its signature no longer matters: no key will be found for it). */
export function withKid(token: string, kid: string): string {
  const [, payload, signature] = token.split('.');
  const header = base64url.encode(JSON.stringify({ ...decodeProtectedHeader(token), kid }));
  return `${header}.${payload}.${signature}`;
}

export async function startOidcIdp(tls: { certFile: string; keyFile: string; caPem: string }): Promise<OidcIdp> {
  const child: ChildProcess = fork(path.join(__dirname, 'oidc-idp-process.mjs'), [JSON.stringify(tls)], {
    execArgv: [],
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let next = 0;
  const ready = new Promise<{ issuer: string; client: { id: string; secret: string } }>((resolve, reject) => {
    child.on(
      'message',
      (message: { ready?: { issuer: string; client: { id: string; secret: string } }; id?: number; result?: unknown; error?: string }) => {
        if (message.ready) return resolve(message.ready);
        const call = pending.get(message.id!);
        pending.delete(message.id!);
        if (message.error) call?.reject(new Error(message.error));
        else call?.resolve(message.result);
      },
    );
    child.once('exit', (code) => reject(new Error(`the OpenID provider exited (${code})`)));
  });
  const { issuer, client } = await ready;
  const call = <T>(command: string, args: object = {}) =>
    new Promise<T>((resolve, reject) => {
      next += 1;
      pending.set(next, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id: next, command, ...args });
    });
  const trusting = new Agent({ connect: { ca: tls.caPem } });
  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    token: async () => {
      const response = await request(`${issuer}/token`, {
        method: 'POST',
        dispatcher: trusting,
        headers: {
          authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'calls' }).toString(),
      });
      const body = (await response.body.json()) as { access_token?: string };
      if (response.statusCode !== 200 || !body.access_token) throw new Error(`no token: ${response.statusCode} ${JSON.stringify(body)}`);
      return body.access_token;
    },
    addKey: () => call<string>('addKey'),
    retireOldKeys: () => call<string[]>('retireOldKeys'),
    jwksFetches: () => call<number>('jwksFetches'),
    setCacheControl: (value) => call<void>('setCacheControl', { value }),
    close: async () => {
      await trusting.close();
      if (child.exitCode === null) {
        child.kill();
        await new Promise((resolve) => child.once('exit', resolve));
      }
    },
  };
}
