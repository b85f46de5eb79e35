import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { AppConfig } from '../config/app-config';
import { displayPrefix, generateApiKey, hashApiKey } from '../crypto/api-key-codec';
import { ApiKeysRepository } from './api-keys.repository';

/**
 * Admin keys made without an admin: `callpass init` (`npm run setup`) creates the first one, and BOOTSTRAP_ADMIN_KEY
 * (for deployments that keep keys in their environment) is registered at boot if it is not stored yet. A revoked
 * bootstrap key stays revoked: re-adding it would undo the revocation.
 */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminBootstrapService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly keys: ApiKeysRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const key = this.config.bootstrapAdminKey;
    if (key) {
      const secretHash = hashApiKey(key);
      const prefix = displayPrefix(key);
      const created = await this.keys.createIfAbsent({ kind: 'admin', name: 'bootstrap', prefix, secretHash });
      if (created) {
        await this.audit.recordEvent(undefined, 'api_key.bootstrapped', { type: 'api_key' }, { prefix });
        this.logger.log(`Registered the bootstrap admin key ${prefix}…`);
      }
    }
    if (!(await this.keys.hasUsableAdminKey(this.clock.now()))) {
      this.logger.warn('There is no admin key yet: stop Callpass and run `npm run setup` (it prints one), or set BOOTSTRAP_ADMIN_KEY.');
    }
  }

  /** A new admin key, made by the operator at the console: printed once, stored as a hash, audited. */
  async createAdminKey(name: string): Promise<{ key: string; prefix: string }> {
    const generated = generateApiKey('admin');
    const row = await this.keys.create({ kind: 'admin', name, prefix: generated.prefix, secretHash: generated.secretHash });
    await this.audit.recordEvent(
      undefined,
      'api_key.created',
      { type: 'api_key', id: row.id },
      { kind: 'admin', name, prefix: row.prefix },
    );
    return { key: generated.key, prefix: row.prefix };
  }

  hasUsableAdminKey(): Promise<boolean> {
    return this.keys.hasUsableAdminKey(this.clock.now());
  }
}
