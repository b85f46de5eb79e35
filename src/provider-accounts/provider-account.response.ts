import { ProviderAccount } from '../generated/prisma/client';
import { AccountPolicyDto } from './dto/account-policy.dto';

export class CircuitResponse {
  /** `open`: calls to the provider for this account fail at once after 5 straight failures; `half_open`: the next
   * call is a trial that closes it again. */
  state: 'closed' | 'open' | 'half_open';
  /** Until when calls fail at once (open), or when they did (half open). */
  openUntil: Date | null;
}

export class ProviderAccountResponse {
  id: string;
  provider: string;
  name: string;
  status: 'active' | 'disabled';
  /** null: the provider's own host. */
  baseUrl: string | null;
  config: Record<string, unknown>;
  policy: AccountPolicyDto;
  /** Masked hints only, e.g. `{ "apiKeySecret": "****a1b2" }`. Secrets are write-only. */
  secrets: Record<string, string>;
  /** The circuit breaker on Callpass's calls to the provider for this account (as the replicas share it). */
  circuit: CircuitResponse;
  createdAt: Date;
  updatedAt: Date;

  static from(account: ProviderAccount, circuit: CircuitResponse): ProviderAccountResponse {
    return {
      id: account.id,
      provider: account.provider,
      name: account.name,
      status: account.status,
      baseUrl: account.baseUrl,
      config: account.config as Record<string, unknown>,
      policy: account.policy as AccountPolicyDto,
      secrets: account.secretHints as Record<string, string>,
      circuit,
      createdAt: account.createdAt,
      updatedAt: account.updatedAt,
    };
  }
}
