import Fastify from 'fastify';
import { hashApiKey } from '../../../src/crypto/api-key-codec';
import { peerMint, peerPool, signPeerToken } from './peer-setup';

/**
 * Fastify with the key lookup cached in memory, and the audit rows of concurrent requests written by one durable
 * INSERT (one commit), each answer sent after it: the most a hand-written audited route gets.
 */
const mint = peerMint();
const { identity } = mint;
const pool = peerPool();
const keys = new Map<string, Promise<string | undefined>>();
let pending: { tenantId: string; done: (error?: Error) => void }[] = [];
let flushing = false;

function tenantOf(key: string): Promise<string | undefined> {
  const hash = hashApiKey(key);
  let tenant = keys.get(hash);
  if (!tenant) {
    tenant = pool
      .query<{ tenant_id: string }>('SELECT tenant_id FROM peer_keys WHERE hash = $1', [hash])
      .then((result) => result.rows[0]?.tenant_id);
    keys.set(hash, tenant);
  }
  return tenant;
}

async function flush(): Promise<void> {
  flushing = true;
  while (pending.length) {
    const batch = pending;
    pending = [];
    try {
      await pool.query({
        name: 'peer_audit_batch',
        text: 'INSERT INTO peer_audit (tenant_id, identity) SELECT unnest($1::uuid[]), $2',
        values: [batch.map((row) => row.tenantId), identity],
      });
      for (const row of batch) row.done();
    } catch (error) {
      for (const row of batch) row.done(error as Error);
    }
  }
  flushing = false;
}

function audit(tenantId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    pending.push({ tenantId, done: (error) => (error ? reject(error) : resolve()) });
    if (!flushing) void flush();
  });
}

const app = Fastify();
app.post('/token', async (request, reply) => {
  const tenantId = await tenantOf((request.headers.authorization ?? '').replace(/^Bearer /, ''));
  if (!tenantId) return reply.status(401).send({ error: 'unauthorized' });
  const token = signPeerToken(mint);
  await audit(tenantId);
  return reply.status(201).send({ identity, token });
});
void app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
