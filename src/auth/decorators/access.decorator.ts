import { SetMetadata } from '@nestjs/common';

/**
 * Who may call a route. Every route must declare one: the global guards deny routes that declare none.
 * `service` rules name the scope a service key must hold; `end_user` routes take a tenant's end-user credential
 * (not an API key) and name the tenant in the path (`:tenantSlug`); `console` routes, a console session's cookie
 * (of a tenant or an admin key). Admin and tenant routes take a console session's cookie as the key that opened it.
 */
export type AccessRule =
  | { kind: 'public' }
  | { kind: 'admin' }
  | { kind: 'tenant' }
  | { kind: 'service'; scope: ServiceScope }
  | { kind: 'end_user' }
  | { kind: 'console' };

export const SERVICE_SCOPES = ['endpoints:read', 'usage:read', 'tokens:issue', 'users:revoke', 'metrics:read'] as const;
export type ServiceScope = (typeof SERVICE_SCOPES)[number];

export const ACCESS_RULE = Symbol('callpass:access-rule');

export const Public = () => SetMetadata(ACCESS_RULE, { kind: 'public' } satisfies AccessRule);
export const AdminOnly = () => SetMetadata(ACCESS_RULE, { kind: 'admin' } satisfies AccessRule);
export const TenantOnly = () => SetMetadata(ACCESS_RULE, { kind: 'tenant' } satisfies AccessRule);
export const ServiceOnly = (scope: ServiceScope) => SetMetadata(ACCESS_RULE, { kind: 'service', scope } satisfies AccessRule);
export const EndUserOnly = () => SetMetadata(ACCESS_RULE, { kind: 'end_user' } satisfies AccessRule);
export const ConsoleOnly = () => SetMetadata(ACCESS_RULE, { kind: 'console' } satisfies AccessRule);
