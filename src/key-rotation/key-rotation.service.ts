import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { AuditSinksRepository } from '../audit-streaming/audit-sinks.repository';
import { EndUserIssuersRepository } from '../end-users/end-user-issuers.repository';
import { Actor } from '../auth/principal';
import { SecretBox } from '../crypto/secret-box';
import { ProviderSessionsRepository } from '../issuance/provider-sessions.repository';
import { ProviderAccountsRepository } from '../provider-accounts/provider-accounts.repository';
import { KeyUsageResponse, RewrapReportResponse } from './key-rotation.responses';

/** A table with envelope-encrypted values: what a re-wrap needs of it. */
interface EncryptedStore {
  findWrappedByOtherKeys(primaryKeyId: string, excludeIds: string[], take: number): Promise<{ id: string; secretCiphertext: string }[]>;
  replaceCiphertext(id: string, expected: string, ciphertext: string, keyId: string): Promise<boolean>;
  countByKeyId(): Promise<{ secretKeyId: string; _count: { _all: number } }[]>;
}

const BATCH = 100;

/**
 * Moves stored secrets onto the primary key-encryption key. Runs while the service serves traffic: each row is
 * swapped only if it did not change meanwhile, and the data itself is never decrypted (only its data key).
 */
@Injectable()
export class KeyRotationService {
  private readonly logger = new Logger(KeyRotationService.name);
  private readonly stores: Record<'providerAccounts' | 'providerSessions' | 'endUserIssuers' | 'auditSinks', EncryptedStore>;

  constructor(
    accounts: ProviderAccountsRepository,
    sessions: ProviderSessionsRepository,
    issuers: EndUserIssuersRepository,
    sinks: AuditSinksRepository,
    private readonly secretBox: SecretBox,
    private readonly audit: AuditService,
  ) {
    this.stores = { providerAccounts: accounts, providerSessions: sessions, endUserIssuers: issuers, auditSinks: sinks };
  }

  async usage(): Promise<KeyUsageResponse> {
    const count = async (store: EncryptedStore) =>
      Object.fromEntries((await store.countByKeyId()).map((group) => [group.secretKeyId, group._count._all]));
    return {
      primaryKeyId: this.secretBox.primaryKeyId,
      providerAccounts: await count(this.stores.providerAccounts),
      providerSessions: await count(this.stores.providerSessions),
      endUserIssuers: await count(this.stores.endUserIssuers),
      auditSinks: await count(this.stores.auditSinks),
    };
  }

  async rewrapAll(actor?: Actor): Promise<RewrapReportResponse> {
    const primaryKeyId = this.secretBox.primaryKeyId;
    let rewrapped = 0;
    let failed = 0;
    for (const [name, store] of Object.entries(this.stores)) {
      const unreadable = new Set<string>();
      for (;;) {
        const rows = await store.findWrappedByOtherKeys(primaryKeyId, [...unreadable], BATCH);
        if (rows.length === 0) break;
        for (const row of rows) {
          try {
            const ciphertext = this.secretBox.rewrap(row.secretCiphertext);
            if (await store.replaceCiphertext(row.id, row.secretCiphertext, ciphertext, primaryKeyId)) rewrapped += 1;
          } catch (error) {
            unreadable.add(row.id);
            this.logger.error(`Cannot re-wrap ${name} row ${row.id}: ${(error as Error).message}`);
          }
        }
      }
      failed += unreadable.size;
    }
    const usage = await this.usage();
    const remaining = [usage.providerAccounts, usage.providerSessions, usage.endUserIssuers, usage.auditSinks]
      .flatMap((counts) => Object.entries(counts))
      .filter(([keyId]) => keyId !== primaryKeyId)
      .reduce((sum, [, rows]) => sum + rows, 0);
    const report = { primaryKeyId, rewrapped, failed, remaining };
    await this.audit.recordEvent(actor, 'encryption.rewrapped', { type: 'encryption_key', id: primaryKeyId }, { ...report });
    return report;
  }
}
