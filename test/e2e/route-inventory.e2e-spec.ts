import { RequestMethod } from '@nestjs/common';
import { PATH_METADATA, METHOD_METADATA, VERSION_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ACCESS_RULE, AccessRule } from '../../src/auth/decorators/access.decorator';
import { createTestApp, TestApp } from '../helpers/test-app';

/**
 * Every route and who may call it. A change here is a change of permissions: review it as one.
 * Routes declaring no rule are denied by the global guard; this list must have none.
 */
const EXPECTED_ROUTES = `
DELETE /v1/admin/admin-keys/:keyId admin
DELETE /v1/admin/service-keys/:keyId admin
DELETE /v1/admin/tenants/:tenantId/api-keys/:keyId admin
DELETE /v1/admin/tenants/:tenantId/audit-sinks/:id admin
DELETE /v1/api-keys/:keyId tenant
DELETE /v1/audit-sinks/:id tenant
DELETE /v1/console/sessions/current console
DELETE /v1/endpoints/:id tenant
DELETE /v1/provider-accounts/:id tenant
DELETE /v1/sessions/:id tenant
GET /console public
GET /console/* public
GET /console/assets/:file public
GET /health/live public
GET /health/ready public
GET /metrics service:metrics:read
GET /v1/admin/admin-keys admin
GET /v1/admin/audit-events admin
GET /v1/admin/audit/heads admin
GET /v1/admin/audit/verify admin
GET /v1/admin/encryption-keys admin
GET /v1/admin/service-keys admin
GET /v1/admin/tenants admin
GET /v1/admin/tenants/:tenantId admin
GET /v1/admin/tenants/:tenantId/api-keys admin
GET /v1/admin/tenants/:tenantId/audit-sinks admin
GET /v1/admin/tenants/:tenantId/audit-sinks/:id admin
GET /v1/admin/token-issuances admin
GET /v1/api-keys tenant
GET /v1/audit-events tenant
GET /v1/audit-sinks tenant
GET /v1/audit-sinks/:id tenant
GET /v1/audit-stream/keys public
GET /v1/audit/verify tenant
GET /v1/browser public
GET /v1/browser/:version/:file public
GET /v1/console/sessions/current console
GET /v1/end-user-auth tenant
GET /v1/endpoints tenant
GET /v1/endpoints/:id tenant
GET /v1/internal/tenants/:tenantId/endpoints service:endpoints:read
GET /v1/internal/usage service:usage:read
GET /v1/overview tenant
GET /v1/provider-accounts tenant
GET /v1/provider-accounts/:id tenant
GET /v1/sessions tenant
GET /v1/sessions/:id tenant
GET /v1/settings tenant
GET /v1/token-issuances tenant
OPTIONS /v1/client/:tenantSlug/tokens public
OPTIONS /v1/client/:tenantSlug/tokens/:id/refresh public
OPTIONS /v1/signalwire/embeds/:providerAccountId/tokens public
PATCH /v1/admin/tenants/:tenantId admin
PATCH /v1/admin/tenants/:tenantId/audit-sinks/:id admin
PATCH /v1/audit-sinks/:id tenant
PATCH /v1/endpoints/:id tenant
PATCH /v1/provider-accounts/:id tenant
POST /v1/admin/admin-keys admin
POST /v1/admin/encryption-keys/rewrap admin
POST /v1/admin/service-keys admin
POST /v1/admin/tenants admin
POST /v1/admin/tenants/:tenantId/api-keys admin
POST /v1/admin/tenants/:tenantId/audit-sinks admin
POST /v1/admin/tenants/:tenantId/audit-sinks/:id/secret-rotations admin
POST /v1/admin/tenants/:tenantId/audit-sinks/:id/tests admin
POST /v1/api-keys tenant
POST /v1/audit-sinks tenant
POST /v1/audit-sinks/:id/secret-rotations tenant
POST /v1/audit-sinks/:id/tests tenant
POST /v1/client/:tenantSlug/tokens end_user
POST /v1/client/:tenantSlug/tokens/:id/refresh end_user
POST /v1/console/sessions public
POST /v1/end-user-auth/token-tests tenant
POST /v1/endpoints tenant
POST /v1/internal/tenants/:tenantId/tokens service:tokens:issue
POST /v1/internal/tenants/:tenantId/users/:userId/revoke service:users:revoke
POST /v1/provider-accounts tenant
POST /v1/sessions tenant
POST /v1/signalwire/embeds/:providerAccountId/tokens public
POST /v1/tokens tenant
POST /v1/tokens/:id/refresh tenant
POST /v1/users/:userId/revoke tenant
PUT /v1/end-user-auth tenant
PUT /v1/settings tenant
`.trim();

describe('route inventory', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  it('lists every route with its access rule', () => {
    const reflector = t.app.get(Reflector);
    const scanner = t.app.get(MetadataScanner);
    const routes: string[] = [];
    for (const wrapper of t.app.get(DiscoveryService).getControllers()) {
      const controller = wrapper.metatype as new (...args: never[]) => object;
      if (!controller) continue;
      const base = Reflect.getMetadata(PATH_METADATA, controller) as string;
      const version = Reflect.getMetadata(VERSION_METADATA, controller) as string | symbol | undefined;
      for (const name of scanner.getAllMethodNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, () => unknown>)[name];
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (path === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        const rule = reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [handler, controller]);
        const url = [typeof version === 'string' ? `v${version}` : '', base, path].filter((part) => part && part !== '/').join('/');
        routes.push(`${method} /${url} ${rule ? (rule.kind === 'service' ? `service:${rule.scope}` : rule.kind) : 'UNDECLARED'}`);
      }
    }
    expect(routes.sort().join('\n')).toBe(EXPECTED_ROUTES);
  });

  it('serves no demo: its sign-in hands out sessions, so only the sandbox mounts it', async () => {
    await t.http.get('/demo').expect(404);
    await t.http.post('/demo/sign-in').send({ userId: 'alice' }).expect(404);
  });
});
