import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateApiKey } from '../../src/crypto/api-key-codec';
import { validCredentials } from '../factories/credentials.factory';
import { callJson, ServerProcess, startServer } from './server-process';
import { testEncryptionKey } from './test-app';
import { createTestDatabase, TestDatabase } from './test-database';

/** Server processes on one PostgreSQL database of their own, as replicas behind a load balancer would be. */
export interface ReplicaSet {
  database: TestDatabase;
  /** Each replica's base URL. */
  urls: string[];
  servers: ServerProcess[];
  adminKey: string;
  /** Drains replica `index` (SIGTERM; resolves with how it ended) and starts it again with `env` added; its URL changes. */
  restart(index: number, env: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

export interface ReplicaSetOptions {
  env?: Record<string, string>;
  /** How the replicas reach the database (e.g. through a TcpProxy's `via`); directly by default. */
  reach?: (databaseUrl: string) => string;
  /** Boot on an empty database (the replicas migrate it), not on a migrated copy. */
  emptyDatabase?: boolean;
  /** Runs while the replicas boot (e.g. holding them back at a lock); they are started without waiting for it. */
  whileBooting?: (database: TestDatabase) => Promise<void>;
}

export async function startReplicaSet(count: number, options: ReplicaSetOptions = {}): Promise<ReplicaSet> {
  const { env = {}, reach = (url: string) => url } = options;
  const database = await createTestDatabase('postgresql', { empty: options.emptyDatabase });
  const adminKey = generateApiKey('admin').key;
  const shared = {
    NODE_ENV: 'test',
    DATABASE_URL: reach(database.url!),
    MIGRATION_DATABASE_URL: reach(database.ownerUrl!),
    ENCRYPTION_KEYS: testEncryptionKey(),
    BOOTSTRAP_ADMIN_KEY: adminKey,
    LOG_FORMAT: 'json',
    ...env,
  };
  const dataDirs = Array.from({ length: count }, () => fs.mkdtempSync(path.join(os.tmpdir(), 'callpass-replica-')));
  const booting = options.whileBooting?.(database);
  const started = await Promise.allSettled(dataDirs.map((dataDir) => startServer({ ...shared, DATA_DIR: dataDir })));
  await booting;
  const servers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const stop = async () => {
    await Promise.all(servers.map((server: ServerProcess) => server.stop()));
    await database.drop();
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  };
  const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  const urls = servers.map((server) => server.url);
  const restart = async (index: number, more: Record<string, string>) => {
    const stopped = await servers[index].stop();
    Object.assign(shared, more);
    servers[index] = await startServer({ ...shared, DATA_DIR: dataDirs[index] });
    urls[index] = servers[index].url;
    return stopped;
  };
  return { database, urls, servers, adminKey, restart, stop };
}

/** A tenant with a key and a Twilio endpoint, made through the replica at `url`. */
export async function seedTwilioEndpoint(url: string, adminKey: string, slug: string) {
  const tenant = await callJson(url, 'POST', '/v1/admin/tenants', adminKey, { slug, name: slug });
  const key = await callJson(url, 'POST', `/v1/admin/tenants/${tenant.body.id}/api-keys`, adminKey, { name: 'k' });
  const account = await callJson(url, 'POST', '/v1/provider-accounts', key.body.key, {
    provider: 'twilio',
    name: 'main',
    ...validCredentials.twilio(),
  });
  const endpoint = await callJson(url, 'POST', '/v1/endpoints', key.body.key, {
    providerAccountId: account.body.id,
    userId: 'u1',
    capabilities: ['incoming', 'outgoing'],
  });
  return { tenantId: tenant.body.id, keyId: key.body.id, key: key.body.key, endpointId: endpoint.body.id };
}

/** How many tokens the token log holds as issued for a tenant. */
export async function issuedRows(replicas: ReplicaSet, tenantId: string): Promise<number> {
  const [row] = await replicas.database.query<{ count: string }>(
    `SELECT count(*)::text AS count FROM token_issuances WHERE tenant_id = $1 AND outcome = 'issued'`,
    [tenantId],
  );
  return Number(row.count);
}
