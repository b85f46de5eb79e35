import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Key-encryption keys by id; `primaryId` wraps every new secret, the others only unwrap old ones. */
export interface Keyring {
  primaryId: string;
  keys: ReadonlyMap<string, Buffer>;
}

export class KeyringError extends Error {
  override readonly name = 'KeyringError';
}

/** Parses `id:base64,id:base64`; the primary is `primaryId` when given, else the first entry. */
export function parseKeyring(spec: string, primaryId?: string): Keyring {
  const keys = new Map<string, Buffer>();
  for (const entry of spec.split(',')) {
    const [id, encoded] = entry.trim().split(':');
    const key = Buffer.from(encoded ?? '', 'base64');
    if (key.length !== 32) throw new KeyringError(`Invalid configuration: encryption key ${id} must be 32 bytes (base64)`);
    if (keys.has(id)) throw new KeyringError(`Invalid configuration: encryption key id ${id} appears twice`);
    keys.set(id, key);
  }
  const primary = primaryId ?? keys.keys().next().value!;
  if (!keys.has(primary)) {
    throw new KeyringError(`Invalid configuration: ENCRYPTION_PRIMARY_KEY_ID ${primary} is not in ENCRYPTION_KEYS`);
  }
  return { primaryId: primary, keys };
}

export function formatKeyEntry(id: string, key: Buffer): string {
  return `${id}:${key.toString('base64')}`;
}

/**
 * The embedded default: with no keys configured, a key file in the data folder is made once and reused.
 * Returns whether it was created now, so the caller can warn.
 */
export function loadOrCreateLocalKeyring(dataDir: string): { keyring: Keyring; file: string; created: boolean } {
  const file = path.join(dataDir, 'encryption-keys');
  if (fs.existsSync(file)) return { keyring: parseKeyring(fs.readFileSync(file, 'utf8').trim()), file, created: false };
  fs.mkdirSync(dataDir, { recursive: true });
  const entry = formatKeyEntry(`local-${Date.now().toString(36)}`, randomBytes(32));
  fs.writeFileSync(file, `${entry}\n`, { mode: 0o600, flag: 'wx' });
  return { keyring: parseKeyring(entry), file, created: true };
}
