import fs from 'node:fs';
import path from 'node:path';
import { Global, Logger, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ChangeFeedService } from './change-feed';
import { DATABASE_CONNECTION, DatabaseConnection, openDatabase } from './database-connection';
import { migrateDatabase, warnIfServiceOwnsTheLogs } from './migrate-database';
import { PrismaService } from './prisma.service';
import { TenantCachesService } from './tenant-cache';

@Global()
@Module({
  providers: [
    {
      provide: DATABASE_CONNECTION,
      inject: [AppConfig],
      useFactory: async (config: AppConfig): Promise<DatabaseConnection> => {
        const logger = new Logger('Database');
        const pgliteDir = path.join(config.dataDir, 'pglite');
        if (!config.databaseUrl && !fs.existsSync(pgliteDir))
          logger.log(`Creating the embedded database in ${pgliteDir} (first start: a few seconds)…`);
        const connection = await openDatabase({
          databaseUrl: config.databaseUrl,
          pgliteDir,
          poolSize: config.databasePoolSize,
          timeouts: config.databaseTimeouts,
        });
        logger.log(connection.kind === 'pglite' ? `Embedded PGlite database in ${config.dataDir}` : 'PostgreSQL database');
        if (config.migrateOnBoot) {
          const report = await migrateDatabase(config, connection);
          logger.log(`Migrations: ${report.applied.length} applied, ${report.alreadyApplied} already applied`);
          for (const name of report.checksumMismatches) {
            logger.warn(`Migration ${name} changed after it was applied (checksum differs)`);
          }
        }
        await warnIfServiceOwnsTheLogs(connection, logger);
        return connection;
      },
    },
    {
      provide: PrismaService,
      inject: [DATABASE_CONNECTION],
      useFactory: (connection: DatabaseConnection) => new PrismaService(connection),
    },
    ChangeFeedService,
    TenantCachesService,
  ],
  exports: [PrismaService, DATABASE_CONNECTION, ChangeFeedService, TenantCachesService],
})
export class DatabaseModule {}
