import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/principal';
import { SecretBox } from '../crypto/secret-box';
import { ProviderAccountsRepository } from '../provider-accounts/provider-accounts.repository';

export interface KeyUsage {
  primaryKeyId: string;
  /** Rows per key-encryption key id. */
  providerAccounts: Record<string, number>;
}

export interface RewrapReport {
  primaryKeyId: string;
  rewrapped: number;
  /** Rows whose key is not in the keyring (they stay as they are). */
  failed: number;
  /** Rows still on an older key afterwards: 0 means the old keys can be removed. */
  remaining: number;
}

const BATCH = 100;

/**
 * Moves stored secrets onto the primary key-encryption key. Runs while the service serves traffic: each row is
 * swapped only if it did not change meanwhile, and the data itself is never decrypted (only its data key).
 */
@Injectable()
export class KeyRotationService {
  private readonly logger = new Logger(KeyRotationService.name);

  constructor(
    private readonly accounts: ProviderAccountsRepository,
    private readonly secretBox: SecretBox,
    private readonly audit: AuditService,
  ) {}

  async usage(): Promise<KeyUsage> {
    const groups = await this.accounts.countByKeyId();
    return {
      primaryKeyId: this.secretBox.primaryKeyId,
      providerAccounts: Object.fromEntries(groups.map((group) => [group.secretKeyId, group._count._all])),
    };
  }

  async rewrapAll(actor?: Actor): Promise<RewrapReport> {
    const primaryKeyId = this.secretBox.primaryKeyId;
    const unreadable = new Set<string>();
    let rewrapped = 0;
    for (;;) {
      const rows = await this.accounts.findWrappedByOtherKeys(primaryKeyId, [...unreadable], BATCH);
      if (rows.length === 0) break;
      for (const row of rows) {
        try {
          const ciphertext = this.secretBox.rewrap(row.secretCiphertext);
          if (await this.accounts.replaceCiphertext(row.id, row.secretCiphertext, ciphertext, primaryKeyId)) rewrapped += 1;
        } catch (error) {
          unreadable.add(row.id);
          this.logger.error(`Cannot re-wrap provider account ${row.id}: ${(error as Error).message}`);
        }
      }
    }
    const usage = await this.usage();
    const remaining = Object.entries(usage.providerAccounts)
      .filter(([keyId]) => keyId !== primaryKeyId)
      .reduce((sum, [, count]) => sum + count, 0);
    const report = { primaryKeyId, rewrapped, failed: unreadable.size, remaining };
    await this.audit.recordEvent(actor, 'encryption.rewrapped', { type: 'encryption_key', id: primaryKeyId }, { ...report });
    return report;
  }
}
