import { CapabilityName } from '../providers/capabilities';

/** Who a request authenticated as. Set by the strategies; the tenant always comes from here. */
export type Principal = AdminPrincipal | TenantPrincipal | ServicePrincipal | EndUserPrincipal;

export interface AdminPrincipal {
  kind: 'admin';
  keyId: string;
  /** Set when a console session opened with the key authenticated the request. */
  consoleSessionId?: string;
  /** When that console session was opened (signed in). */
  consoleSignedInAt?: Date;
}

export interface TenantPrincipal {
  kind: 'tenant';
  keyId: string;
  tenantId: string;
  /** Set when a console session opened with the key authenticated the request. */
  consoleSessionId?: string;
  /** When that console session was opened (signed in). */
  consoleSignedInAt?: Date;
}

export interface ServicePrincipal {
  kind: 'service';
  keyId: string;
  scopes: readonly string[];
}

/** One of a tenant's users, on the browser routes: who they are comes from their credential, never from the request. */
export interface EndUserPrincipal {
  kind: 'end_user';
  tenantId: string;
  userId: string;
  credential: IdentityProviderCredential | SessionCredential;
}

export interface IdentityProviderCredential {
  method: 'jwt';
  /** The `iss` of the verified token. */
  issuer: string;
  /** Its `exp`: tokens minted for the user do not outlive it. */
  expiresAt: Date;
}

export interface SessionCredential {
  method: 'session';
  sessionId: string;
  /** What the tenant's backend narrowed the session to (empty: not narrowed). */
  capabilities: CapabilityName[];
  providerAccountId?: string;
  expiresAt: Date;
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
export type ServiceActor = Actor<ServicePrincipal>;
export type EndUserActor = Actor<EndUserPrincipal>;

/** How the audit logs name a principal's kind and identity. */
export function auditIdentityOf(principal: Principal): { actorKind: string; actorId: string } {
  switch (principal.kind) {
    case 'end_user':
      return {
        actorKind: 'end_user',
        actorId:
          principal.credential.method === 'session' ? `session:${principal.credential.sessionId}` : `issuer:${principal.credential.issuer}`,
      };
    case 'admin':
      return { actorKind: 'admin_key', actorId: principal.keyId };
    case 'tenant':
      return { actorKind: 'tenant_key', actorId: principal.keyId };
    case 'service':
      return { actorKind: 'service_key', actorId: principal.keyId };
  }
}

/** The tenant a principal belongs to; admins and services act on tenants they name. */
export function tenantOf(principal: Principal): string | undefined {
  return principal.kind === 'tenant' || principal.kind === 'end_user' ? principal.tenantId : undefined;
}
