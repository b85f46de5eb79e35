import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Actor } from '../auth/principal';
import { authErrors } from '../auth/auth.errors';
import { AppError } from '../common/errors/app-error';
import { EndpointsService } from '../endpoints/endpoints.service';
import { ProviderRegistry } from '../providers/provider-registry';
import { IssuanceTarget, IssuanceTargetsRepository } from './issuance-targets.repository';
import { issuanceErrors } from './issuance.errors';

/** Narrows which account a user is enrolled on. */
export interface EnrollmentChoice {
  providerAccountId?: string;
  provider?: string;
  /** False where the caller could not narrow it further: several accounts that enroll then enroll nobody. */
  canChoose?: false;
}

/**
 * Creates the endpoint of a user who asks for a token and has none yet, on an account that allows it
 * (`policy.autoEnroll`). Concurrent first requests of one user share one creation here; across replicas, the
 * loser of the race finds the winner's endpoint.
 */
@Injectable()
export class EndpointEnrollmentService {
  private readonly inFlight = new Map<string, Promise<IssuanceTarget | undefined>>();

  constructor(
    private readonly targets: IssuanceTargetsRepository,
    private readonly endpoints: EndpointsService,
    private readonly registry: ProviderRegistry,
  ) {}

  /** The user's new endpoint, or undefined when no account (or, where the caller cannot choose, no single one) allows enrolling them. */
  async enroll(actor: Actor, tenantId: string, userId: string, choice: EnrollmentChoice): Promise<IssuanceTarget | undefined> {
    const candidates = (await this.targets.enrollableAccounts(tenantId)).filter(
      ({ account }) =>
        (!choice.providerAccountId || account.id === choice.providerAccountId) &&
        (!choice.provider || account.provider === choice.provider),
    );
    if (candidates.length > 1 && choice.canChoose === false) return undefined;
    if (candidates.length > 1)
      throw issuanceErrors.endpoint_choice_required({ providerAccounts: candidates.map(({ account }) => account.id) });
    const [target] = candidates;
    if (!target || target.account.status !== 'active') return undefined;
    if (target.tenant.status !== 'active') throw authErrors.tenant_suspended();

    const key = `${tenantId}\n${target.account.id}\n${userId}`;
    let creation = this.inFlight.get(key);
    if (!creation) {
      creation = this.create(actor, target, userId).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, creation);
    }
    return creation;
  }

  private async create(actor: Actor, { tenant, account }: IssuanceTarget, userId: string): Promise<IssuanceTarget | undefined> {
    const adapter = this.registry.get(account.provider);
    try {
      await this.endpoints.create(actor, tenant.id, {
        providerAccountId: account.id,
        userId,
        identity: adapter.identityProblem(userId) || DERIVED_IDENTITY.test(userId) ? derivedIdentity(tenant.id, userId) : userId,
        capabilities: account.policy.capabilities ?? ['incoming', 'outgoing'],
        provision: adapter.provisionEndpoint !== undefined,
      });
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'endpoint_exists')) throw error;
    }
    return this.targets.byAccountAndUser(tenant.id, account.id, userId);
  }
}

/** What derived identities look like: a user id of that shape gets one too, so it cannot take another user's. */
const DERIVED_IDENTITY = /^u[0-9a-f]{24}$/;

/** For a user id the provider cannot take as a name: stable, and revealing nothing of the id. */
function derivedIdentity(tenantId: string, userId: string): string {
  return `u${createHash('sha256').update(`${tenantId}\n${userId}`).digest('hex').slice(0, 24)}`;
}
