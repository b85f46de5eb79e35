import Fastify from 'fastify';
import { hashApiKey } from '../../../src/crypto/api-key-codec';
import { peerMint, peerPool, signPeerToken } from './peer-setup';

/** Fastify, the key looked up per request (one SELECT), the token signed with a cached key, one awaited INSERT. */
const mint = peerMint();
const { identity } = mint;
const pool = peerPool();
const app = Fastify();
app.post('/token', async (request, reply) => {
  const key = (request.headers.authorization ?? '').replace(/^Bearer /, '');
  const found = await pool.query<{ tenant_id: string }>({
    name: 'peer_key',
    text: 'SELECT tenant_id FROM peer_keys WHERE hash = $1',
    values: [hashApiKey(key)],
  });
  if (!found.rows[0]) return reply.status(401).send({ error: 'unauthorized' });
  const token = signPeerToken(mint);
  await pool.query({
    name: 'peer_audit',
    text: 'INSERT INTO peer_audit (tenant_id, identity) VALUES ($1, $2)',
    values: [found.rows[0].tenant_id, identity],
  });
  return reply.status(201).send({ identity, token });
});
void app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
