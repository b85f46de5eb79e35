import { Actor, auditIdentityOf, Principal } from '../auth/principal';
import { CapabilityName } from '../providers/capabilities';

/** Who asks for a token, as the token log records it: a tenant key, an end user, a service key or a public embed. */
export interface IssuanceCaller {
  tenantId: string;
  actorKind: string;
  actorId?: string;
  /** The end user asking for their own token. */
  endUser?: { userId: string; credentialExpiresAt: Date };
  requestId: string;
  clientIp?: string;
  origin?: string;
  /** The most the caller itself may be granted (an end-user session can be narrower than the endpoint). */
  grant?: { capabilities: CapabilityName[]; providerAccountId?: string };
}

/** The caller of an authenticated request, for the tenant it acts on. */
export function callerOf(actor: Actor, tenantId: string): IssuanceCaller {
  const { principal } = actor;
  return {
    tenantId,
    ...auditIdentityOf(principal),
    endUser: principal.kind === 'end_user' ? { userId: principal.userId, credentialExpiresAt: principal.credential.expiresAt } : undefined,
    requestId: actor.requestId,
    clientIp: actor.clientIp,
    origin: actor.origin,
    grant: grantOf(principal),
  };
}

function grantOf(principal: Principal): IssuanceCaller['grant'] {
  if (principal.kind !== 'end_user' || principal.credential.method !== 'session') return undefined;
  return { capabilities: principal.credential.capabilities, providerAccountId: principal.credential.providerAccountId };
}
