import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { AppConfig } from '../config/app-config';
import { displayPrefix, hashApiKey } from '../crypto/api-key-codec';
import { ApiKeysRepository } from './api-keys.repository';

/**
 * A fresh install has no admin key. BOOTSTRAP_ADMIN_KEY (made with `npm run keys:generate`) is registered at boot
 * if it is not stored yet. A revoked bootstrap key stays revoked: re-adding it would undo the revocation.
 */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminBootstrapService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly keys: ApiKeysRepository,
    private readonly audit: AuditService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const key = this.config.bootstrapAdminKey;
    if (!key) return;
    const secretHash = hashApiKey(key);
    const prefix = displayPrefix(key);
    const created = await this.keys.createIfAbsent({ kind: 'admin', name: 'bootstrap', prefix, secretHash });
    if (created) {
      await this.audit.recordEvent(undefined, 'api_key.bootstrapped', { type: 'api_key' }, { prefix });
      this.logger.log(`Registered the bootstrap admin key ${prefix}…`);
    }
  }
}
