import { Global, Logger, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { loadOrCreateLocalKeyring, parseKeyring } from './keyring';
import { SecretBox } from './secret-box';

@Global()
@Module({
  providers: [
    {
      provide: SecretBox,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        if (config.encryptionKeys) return new SecretBox(parseKeyring(config.encryptionKeys, config.encryptionPrimaryKeyId));
        // Production refuses to boot without ENCRYPTION_KEYS (see environment.ts); this is the local default.
        const local = loadOrCreateLocalKeyring(config.dataDir);
        const logger = new Logger('Encryption');
        logger.warn(
          `ENCRYPTION_KEYS is not set: provider secrets are encrypted with the local key file ${local.file}` +
            `${local.created ? ' (created now)' : ''}. Losing it loses every stored secret; set ENCRYPTION_KEYS outside development.`,
        );
        return new SecretBox(local.keyring);
      },
    },
  ],
  exports: [SecretBox],
})
export class CryptoModule {}
