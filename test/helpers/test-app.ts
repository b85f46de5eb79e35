import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AppModule } from '../../src/app.module';
import { configureApp, createHttpAdapter } from '../../src/app.setup';
import { Clock } from '../../src/common/clock/clock';
import { createLogger, PinoNestLogger } from '../../src/common/logging/logger';
import { AppConfig } from '../../src/config/app-config';
import { generateApiKey } from '../../src/crypto/api-key-codec';
import { formatKeyEntry } from '../../src/crypto/keyring';
import { DATABASE_CONNECTION } from '../../src/database/database-connection';
import { PrismaService } from '../../src/database/prisma.service';
import { recordAnsweredErrors } from './answered-errors';
import { FakeClock } from './fake-clock';
import { TEST_SERVER_ENV } from './server-process';
import { createTestDatabase, TestDatabase } from './test-database';

export interface TestAppOptions {
  /** Share a database between apps (restarts); by default each app gets a fresh one, dropped on close. */
  database?: TestDatabase;
  env?: Record<string, string>;
  clock?: FakeClock;
  /** Providers to replace, e.g. the resolver the SSRF guard checks names with. */
  overrides?: { provide: unknown; useValue: unknown }[];
}

export interface TestApp {
  app: NestFastifyApplication;
  http: ReturnType<typeof request>;
  prisma: PrismaService;
  database: TestDatabase;
  clock: FakeClock;
  /** Every log line the app wrote (JSON). */
  logs: string[];
  /** A working admin key (registered through BOOTSTRAP_ADMIN_KEY). */
  adminKey: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

export function testEncryptionKey(id = 'test-key'): string {
  return formatKeyEntry(id, randomBytes(32));
}

/** Boots the real AppModule over Fastify with `configureApp`, as main.ts does, on a test database. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const ownsDatabase = !options.database;
  const database = options.database ?? (await createTestDatabase());
  const clock = options.clock ?? new FakeClock();
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    MIGRATE_ON_BOOT: 'false',
    LOG_LEVEL: 'info',
    DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'callpass-data-')),
    ENCRYPTION_KEYS: testEncryptionKey(),
    BOOTSTRAP_ADMIN_KEY: generateApiKey('admin').key,
    // The provider emulators listen on loopback.
    ALLOW_PRIVATE_NETWORK_URLS: 'true',
    // Tests run the audit stream's delivery rounds themselves (SinkDeliveryService.deliverDue), in step with their clock.
    AUDIT_STREAM_POLL_MS: '0',
    ...TEST_SERVER_ENV,
    ...options.env,
  };
  const logs: string[] = [];
  const logger = createLogger(
    env.LOG_LEVEL,
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString());
        done();
      },
    }),
  );
  const cleanUp = async (app?: NestFastifyApplication) => {
    await app?.close();
    if (ownsDatabase) await database.drop();
    fs.rmSync(env.DATA_DIR, { recursive: true, force: true });
  };
  let app: NestFastifyApplication | undefined;
  try {
    const config = AppConfig.fromEnvironment(env);
    let builder = Test.createTestingModule({ imports: [AppModule] });
    for (const { provide, useValue } of options.overrides ?? []) builder = builder.overrideProvider(provide).useValue(useValue);
    const moduleRef = await builder
      .overrideProvider(AppConfig)
      .useValue(config)
      .overrideProvider(Clock)
      .useValue(clock)
      .overrideProvider(DATABASE_CONNECTION)
      .useValue(database.connect())
      .setLogger(new PinoNestLogger(logger))
      .compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(logger, config));
    await configureApp(app);
    const readDocumentedErrors = recordAnsweredErrors(app.getHttpAdapter().getInstance());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    await readDocumentedErrors();
  } catch (error) {
    await cleanUp(app).catch(() => undefined);
    throw error;
  }

  return {
    app,
    http: request(app.getHttpServer()),
    prisma: app.get(PrismaService),
    database,
    clock,
    logs,
    adminKey: env.BOOTSTRAP_ADMIN_KEY,
    env,
    close: () => cleanUp(app),
  };
}

export function bearer(key: string): { authorization: string } {
  return { authorization: `Bearer ${key}` };
}
