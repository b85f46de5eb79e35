// A real OpenID provider (oidc-provider, ESM-only) on loopback over https, run as a child process by
// test/helpers/oidc-idp.ts (startOidcIdp). It issues RFC 9068 JWT access tokens (client credentials grant, audience "callpass"),
// counts the requests for its JWKS, and rotates keys when told to over IPC.
import fs from 'node:fs';
import https from 'node:https';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const { certFile, keyFile } = JSON.parse(process.argv[2]);
export const CLIENT = { id: 'backend', secret: 'backend-secret-for-the-client-credentials-grant' };
const RESOURCE = 'https://callpass.example/';

/** Private keys, newest first; the first one signs. */
const keys = [];
let keyCount = 0;
let jwksFetches = 0;
let cacheControl;
let handler;
let issuer;

async function newKey() {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  keyCount += 1;
  return { ...(await exportJWK(privateKey)), kid: `idp-key-${keyCount}`, alg: 'RS256', use: 'sig' };
}

/** oidc-provider reads its keys once: a new key set is a new Provider behind the same listener. */
function build() {
  const signingKid = keys[0].kid;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
      },
    ],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'calls',
          audience: 'callpass',
          accessTokenFormat: 'jwt',
          accessTokenTTL: 3600,
          jwt: { sign: { alg: 'RS256', kid: signingKid } },
        }),
      },
    },
    jwks: { keys },
  });
  handler = provider.callback();
}

keys.push(await newKey());
const server = https.createServer({ cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) }, (request, response) => {
  if (request.url.split('?')[0] === '/jwks') {
    jwksFetches += 1;
    if (cacheControl) response.setHeader('cache-control', cacheControl);
  }
  handler(request, response);
});
server.listen(0, '127.0.0.1', () => {
  issuer = `https://localhost:${server.address().port}`;
  build();
  process.send({ ready: { issuer, client: CLIENT } });
});

const commands = {
  /** Publishes a new key (first) and signs with it; the old ones stay published. */
  addKey: async () => {
    keys.unshift(await newKey());
    build();
    return keys[0].kid;
  },
  /** Stops publishing every key but the newest. */
  retireOldKeys: async () => {
    keys.splice(1);
    build();
    return keys.map(({ kid }) => kid);
  },
  jwksFetches: async () => jwksFetches,
  setCacheControl: async ({ value }) => {
    cacheControl = value;
    return null;
  },
};

process.on('message', async ({ id, command, ...args }) => {
  try {
    process.send({ id, result: await commands[command](args) });
  } catch (error) {
    process.send({ id, error: String(error?.stack ?? error) });
  }
});
process.on('disconnect', () => process.exit(0));
