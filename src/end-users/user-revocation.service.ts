import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/principal';
import { Clock } from '../common/clock/clock';
import { invalidField } from '../common/errors/validation-errors';
import { ProviderSessionsRepository } from '../issuance/provider-sessions.repository';
import { EndUserRevocationsRepository } from './end-user-revocations.repository';
import { EndUserSessionsRepository } from './end-user-sessions.repository';
import { USER_ID, USER_ID_MESSAGE } from '../common/validation/user-id';
import { UserRevocationResponse } from './user-revocation.response';

/**
 * Signs a user out of Callpass everywhere, from their next request on: their sessions are revoked, their kept
 * refresh credentials deleted, and their identity-provider tokens issued until now refused (by `iat`). Tokens
 * already minted at the provider live until they expire (docs/end-users.md: what revocation can do per provider).
 */
@Injectable()
export class UserRevocationService {
  constructor(
    private readonly sessions: EndUserSessionsRepository,
    private readonly providerSessions: ProviderSessionsRepository,
    private readonly revocations: EndUserRevocationsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  revoke(actor: Actor, tenantId: string, userId: string): Promise<UserRevocationResponse> {
    if (!USER_ID.test(userId)) throw invalidField('userId', USER_ID_MESSAGE);
    return this.audit.recordChange(actor, 'end_user.revoked', { type: 'end_user', id: userId, tenantId }, async (tx) => {
      const now = this.clock.now();
      const sessionsRevoked = await this.sessions.revokeAllOfUser(tenantId, userId, now, tx);
      const refreshCredentialsDeleted = await this.providerSessions.deleteForUser(tenantId, userId, tx);
      await this.revocations.record(tenantId, userId, now, tx);
      const result = { userId, revokedAt: now, sessionsRevoked, refreshCredentialsDeleted };
      return { result, details: { sessionsRevoked, refreshCredentialsDeleted } };
    });
  }
}
