import { EmulatedAccount } from '../providers/provider-kit';
import { PROVIDER_KITS } from '../providers/provider-kits';
import { ProviderName } from '../providers/provider-list';

/** Creates the demo tenant, its key, one account per provider and an endpoint each, through the HTTP API. */
export async function seedDemoTenant(url: string, adminKey: string, accounts: Record<ProviderName, EmulatedAccount>) {
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
    // A day at most: a provider that sets the lifetime itself (24 h) is refused under a lower ceiling.
    // The sandbox's own address too: the demo page it serves asks for tokens from there.
    settings: { tokenTtl: { defaultSeconds: 600, maxSeconds: 86_400 }, allowedOrigins: [allowedOrigin, new URL(url).origin] },
  });
  const tenantKey = (await call('POST', `/v1/admin/tenants/${tenant.id}/api-keys`, adminKey, { name: 'sandbox' })).key!;
  await call('PUT', '/v1/end-user-auth', tenantKey, { issuers: [], sessions: true });
  const accountIds = {} as Record<ProviderName, string>;
  const endpointIds = {} as Record<ProviderName, string>;
  for (const kit of PROVIDER_KITS) {
    const { name } = kit;
    const { baseUrl, config, secrets } = accounts[name];
    accountIds[name] = (
      await call('POST', '/v1/provider-accounts', tenantKey, {
        provider: name,
        name: `${name}-demo`,
        baseUrl,
        config,
        secrets,
        // Any user the demo page signs in gets an endpoint on their first token.
        policy: { autoEnroll: true, ...kit.demoPolicy },
      })
    ).id;
    const endpoint = {
      providerAccountId: accountIds[name],
      capabilities: ['incoming', 'outgoing'],
      ...kit.demoEndpoint(accounts[name]),
    };
    endpointIds[name] = (await call('POST', '/v1/endpoints', tenantKey, endpoint)).id;
  }
  return { tenantSlug: 'demo', tenantKey, allowedOrigin, accounts: accountIds, endpoints: endpointIds };
}
