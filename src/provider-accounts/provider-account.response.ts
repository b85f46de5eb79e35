import { ProviderAccount } from '../generated/prisma/client';
import { AccountPolicyDto } from './dto/account-policy.dto';

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
  createdAt: Date;
  updatedAt: Date;

  static from(account: ProviderAccount): ProviderAccountResponse {
    return {
      id: account.id,
      provider: account.provider,
      name: account.name,
      status: account.status,
      baseUrl: account.baseUrl,
      config: account.config as Record<string, unknown>,
      policy: account.policy as AccountPolicyDto,
      secrets: account.secretHints as Record<string, string>,
      createdAt: account.createdAt,
      updatedAt: account.updatedAt,
    };
  }
}
