import { randomBytes } from 'node:crypto';
import { generateApiKey } from '../crypto/api-key-codec';
import { formatKeyEntry } from '../crypto/keyring';

/**
 * `npm run -s keys:generate -- admin`      prints a new admin API key (for BOOTSTRAP_ADMIN_KEY)
 * `npm run -s keys:generate -- encryption` prints a new `id:base64` entry for ENCRYPTION_KEYS
 * Nothing is stored: the output is the only copy.
 */
const kind = process.argv[2];
if (kind === 'admin') {
  console.log(generateApiKey('admin').key);
} else if (kind === 'encryption') {
  const id = `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}${randomBytes(2).toString('hex')}`;
  console.log(formatKeyEntry(id, randomBytes(32)));
} else {
  console.error('usage: npm run -s keys:generate -- admin|encryption');
  process.exit(2);
}
