import { randomBytes } from 'node:crypto';
import { bearer, TestApp } from '../helpers/test-app';
import { ProviderName, validCredentials } from './credentials.factory';

export interface TestTenant {
  id: string;
  slug: string;
  /** A tenant API key. */
  key: string;
}

/** A tenant with one API key, made through the admin API. */
export async function createTenant(t: TestApp, overrides: Record<string, unknown> = {}): Promise<TestTenant> {
  const slug = `tenant-${randomBytes(4).toString('hex')}`;
  const tenant = await t.http
    .post('/v1/admin/tenants')
    .set(bearer(t.adminKey))
    .send({ slug, name: `Tenant ${slug}`, ...overrides })
    .expect(201);
  const key = await t.http
    .post(`/v1/admin/tenants/${tenant.body.id}/api-keys`)
    .set(bearer(t.adminKey))
    .send({ name: 'test key' })
    .expect(201);
  return { id: tenant.body.id, slug, key: key.body.key };
}

export async function createProviderAccount(
  t: TestApp,
  tenant: TestTenant,
  provider: ProviderName,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; secrets: Record<string, string>; body: Record<string, unknown> }> {
  const credentials = validCredentials[provider]();
  const response = await t.http
    .post('/v1/provider-accounts')
    .set(bearer(tenant.key))
    .send({ provider, name: `${provider}-${randomBytes(3).toString('hex')}`, ...credentials, ...overrides })
    .expect(201);
  return { id: response.body.id, secrets: credentials.secrets, body: response.body };
}

export async function createEndpoint(
  t: TestApp,
  tenant: TestTenant,
  providerAccountId: string,
  overrides: Record<string, unknown> = {},
): Promise<Record<string, unknown> & { id: string }> {
  const response = await t.http
    .post('/v1/endpoints')
    .set(bearer(tenant.key))
    .send({ providerAccountId, userId: `user_${randomBytes(4).toString('hex')}`, capabilities: ['incoming', 'outgoing'], ...overrides })
    .expect(201);
  return response.body;
}
