import { EmulatedAccount } from './emulators';

type Provider = 'twilio' | 'plivo' | 'signalwire' | 'bandwidth';

/** Endpoint settings per provider for the demo user, e.g. Plivo's is provisioned at Plivo. */
const DEMO_ENDPOINTS: Record<Provider, (account: EmulatedAccount & { addresses?: string[] }) => Record<string, unknown>> = {
  twilio: () => ({ userId: 'alice', identity: 'alice' }),
  plivo: () => ({ userId: 'alice', identity: 'alice', provision: true }),
  signalwire: (account) => ({ userId: 'alice', identity: 'alice@example.com', providerOptions: { allowedAddresses: account.addresses } }),
  bandwidth: () => ({ userId: 'alice', identity: 'alice' }),
};

/** Creates the demo tenant, its key, one account per provider and an endpoint each, through the HTTP API. */
export async function seedDemoTenant(
  url: string,
  adminKey: string,
  accounts: Record<Provider, EmulatedAccount & { addresses?: string[] }>,
) {
  const call = async (method: string, route: string, key: string, body: unknown) => {
    const response = await fetch(`${url}${route}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${method} ${route} failed: ${JSON.stringify(json)}`);
    return json as { id: string; key?: string };
  };
  const allowedOrigin = 'http://localhost:8080';
  const tenant = await call('POST', '/v1/admin/tenants', adminKey, {
    slug: 'demo',
    name: 'Demo Tenant',
    // The sandbox's own address too: the demo page it serves asks for tokens from there.
    settings: { tokenTtl: { defaultSeconds: 600, maxSeconds: 7200 }, allowedOrigins: [allowedOrigin, new URL(url).origin] },
  });
  const tenantKey = (await call('POST', `/v1/admin/tenants/${tenant.id}/api-keys`, adminKey, { name: 'sandbox' })).key!;
  await call('PUT', '/v1/end-user-auth', tenantKey, { issuers: [], sessions: true });
  const accountIds = {} as Record<Provider, string>;
  const endpointIds = {} as Record<Provider, string>;
  for (const provider of Object.keys(DEMO_ENDPOINTS) as Provider[]) {
    const { baseUrl, config, secrets } = accounts[provider];
    accountIds[provider] = // Any user the demo page signs in gets an endpoint on their first token.
      (
        await call('POST', '/v1/provider-accounts', tenantKey, {
          provider,
          name: `${provider}-demo`,
          baseUrl,
          config,
          secrets,
          // SignalWire's may be bound to the browser's key (client-bound SATs) at the user's request.
          policy: { autoEnroll: true, ...(provider === 'signalwire' ? { endUserOptions: ['fingerprint'] } : {}) },
        })
      ).id;
    const endpoint = {
      providerAccountId: accountIds[provider],
      capabilities: ['incoming', 'outgoing'],
      ...DEMO_ENDPOINTS[provider](accounts[provider]),
    };
    endpointIds[provider] = (await call('POST', '/v1/endpoints', tenantKey, endpoint)).id;
  }
  return { tenantSlug: 'demo', tenantKey, allowedOrigin, accounts: accountIds, endpoints: endpointIds };
}
