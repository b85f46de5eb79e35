import fs from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { createLogger, PinoNestLogger } from '../common/logging/logger';
import { AppConfig } from '../config/app-config';
import { ConfigValidationError } from '../config/environment';
import { KeyRotationService } from '../key-rotation/key-rotation.service';

/**
 * `npm run keys:rewrap`: re-wraps every stored secret with the primary encryption key, against PostgreSQL, while
 * the service keeps running. (With the embedded database, use `POST /v1/admin/encryption-keys/rewrap` instead:
 * PGlite is opened by one process at a time.)
 */
async function main(): Promise<void> {
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  const config = AppConfig.fromEnvironment(process.env);
  if (!config.databaseUrl) throw new ConfigValidationError('keys:rewrap needs DATABASE_URL; for the embedded database use the admin route');
  const app = await NestFactory.createApplicationContext(AppModule, { logger: new PinoNestLogger(createLogger('warn')) });
  try {
    const report = await app.get(KeyRotationService).rewrapAll();
    console.log(JSON.stringify(report));
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigValidationError ? error.message : error);
  process.exit(1);
});
