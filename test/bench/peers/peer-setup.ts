import { Pool } from 'pg';
import { accessToken } from '../../../src/providers/twilio/twilio-tokens';

/** What every peer signs: the benchmark's Twilio account and its user, as JSON in PEER_MINT. */
export interface PeerMint {
  config: { accountSid: string; apiKeySid: string; outgoingApplicationSid: string };
  secrets: { apiKeySecret: string };
  identity: string;
}

export function peerMint(): PeerMint {
  return JSON.parse(process.env.PEER_MINT!) as PeerMint;
}

/** The bare peers' two tables, made by the benchmark before it starts them: API-key hashes, and audit rows. */
export const PEER_SCHEMA = `
  CREATE TABLE IF NOT EXISTS peer_keys (hash text PRIMARY KEY, tenant_id uuid NOT NULL);
  CREATE TABLE IF NOT EXISTS peer_audit (
    id bigserial PRIMARY KEY, tenant_id uuid NOT NULL, identity text NOT NULL, created_at timestamptz NOT NULL DEFAULT now()
  );`;

export function peerPool(): Pool {
  return new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
}

/** The bare peers' token: Callpass's own signer with the key at hand, as a hand-written route would cache it. */
export function signPeerToken({ config, secrets, identity }: PeerMint): string {
  return accessToken({
    ...config,
    ...secrets,
    identity,
    ttlSeconds: 600,
    issuedAt: Math.floor(Date.now() / 1000),
    voice: { incoming: true, outgoingApplicationSid: config.outgoingApplicationSid },
  });
}
