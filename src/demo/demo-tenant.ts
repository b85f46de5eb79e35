/** The sandbox's demo tenant, which the demo's sign-in acts for as the tenant's own backend would. */
export interface DemoTenant {
  /** Where Callpass listens, for the sign-in's own call to `POST /v1/sessions`. */
  baseUrl: string;
  slug: string;
  tenantKey: string;
}

/** The demo tenant once the sandbox has seeded it through the API (a holder: Nest would await a bare promise). */
export interface DemoTenantHolder {
  ready: Promise<DemoTenant>;
}

export const DEMO_TENANT = Symbol('DemoTenant');
