/** Who a request authenticated as. Set by the API-key strategy; the tenant always comes from here. */
export type Principal = AdminPrincipal | TenantPrincipal | ServicePrincipal;

export interface AdminPrincipal {
  kind: 'admin';
  keyId: string;
}

export interface TenantPrincipal {
  kind: 'tenant';
  keyId: string;
  tenantId: string;
}

export interface ServicePrincipal {
  kind: 'service';
  keyId: string;
  scopes: readonly string[];
}

/** A principal plus where the request came from: what the audit log records about the caller. */
export interface Actor<P extends Principal = Principal> {
  principal: P;
  requestId: string;
  clientIp?: string;
  origin?: string;
}

export type TenantActor = Actor<TenantPrincipal>;
export type AdminActor = Actor<AdminPrincipal>;
