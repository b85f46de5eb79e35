import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Keyring } from './keyring';

const VERSION = 'cpenc1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class DecryptionError extends Error {
  override readonly name = 'DecryptionError';
}

/**
 * AES-256-GCM envelope encryption. Each value gets a fresh data key (DEK); the DEK is wrapped by the keyring's
 * primary key-encryption key (KEK). Stored form: `cpenc1.<kekId>.<wrapped DEK>.<ciphertext>` (base64url parts,
 * each iv|ciphertext|tag). The caller's associated data (tenant and row) is bound into the ciphertext, so a value
 * copied into another row fails to decrypt. Re-wrapping swaps the KEK without touching the ciphertext.
 */
export class SecretBox {
  constructor(private readonly keyring: Keyring) {}

  get primaryKeyId(): string {
    return this.keyring.primaryId;
  }

  encrypt(plaintext: string, associatedData: string): string {
    const dek = randomBytes(32);
    try {
      const body = seal(dek, Buffer.from(plaintext, 'utf8'), Buffer.from(associatedData, 'utf8'));
      return this.assemble(this.keyring.primaryId, this.wrap(this.keyring.primaryId, dek), body);
    } finally {
      dek.fill(0);
    }
  }

  decrypt(envelope: string, associatedData: string): string {
    const { kekId, wrappedDek, body } = split(envelope);
    const dek = this.unwrap(kekId, wrappedDek);
    try {
      return open(dek, body, Buffer.from(associatedData, 'utf8')).toString('utf8');
    } finally {
      dek.fill(0);
    }
  }

  /** Re-wraps the data key under the primary KEK; the encrypted value itself is unchanged. */
  rewrap(envelope: string): string {
    const { kekId, wrappedDek, body } = split(envelope);
    if (kekId === this.keyring.primaryId) return envelope;
    const dek = this.unwrap(kekId, wrappedDek);
    try {
      return this.assemble(this.keyring.primaryId, this.wrap(this.keyring.primaryId, dek), body);
    } finally {
      dek.fill(0);
    }
  }

  /**
   * 32 bytes for another purpose derived (HKDF-SHA256) from each key-encryption key, by key id: whoever holds the
   * keyring derives the same, and the derived keys rotate with it. Never the key-encryption keys themselves.
   */
  derivedKeys(purpose: string): Map<string, Buffer> {
    return new Map(
      [...this.keyring.keys].map(([id, kek]) => [id, Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), `callpass:${purpose}`, 32))]),
    );
  }

  static keyIdOf(envelope: string): string {
    return split(envelope).kekId;
  }

  private wrap(kekId: string, dek: Buffer): Buffer {
    return seal(this.kek(kekId), dek, Buffer.from(`${VERSION}.${kekId}`));
  }

  private unwrap(kekId: string, wrappedDek: Buffer): Buffer {
    return open(this.kek(kekId), wrappedDek, Buffer.from(`${VERSION}.${kekId}`));
  }

  private kek(kekId: string): Buffer {
    const kek = this.keyring.keys.get(kekId);
    if (!kek) throw new DecryptionError(`Encryption key ${kekId} is not in the keyring`);
    return kek;
  }

  private assemble(kekId: string, wrappedDek: Buffer, body: Buffer): string {
    return [VERSION, kekId, wrappedDek.toString('base64url'), body.toString('base64url')].join('.');
  }
}

function seal(key: Buffer, plaintext: Buffer, associatedData: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(associatedData);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, ciphertext, cipher.getAuthTag()]);
}

function open(key: Buffer, sealed: Buffer, associatedData: Buffer): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new DecryptionError('Ciphertext is truncated');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
  decipher.setAAD(associatedData);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new DecryptionError('Ciphertext failed authentication (tampered, or bound to another record)');
  }
}

function split(envelope: string): { kekId: string; wrappedDek: Buffer; body: Buffer } {
  const parts = envelope.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) throw new DecryptionError('Not a Callpass ciphertext');
  return { kekId: parts[1], wrappedDek: Buffer.from(parts[2], 'base64url'), body: Buffer.from(parts[3], 'base64url') };
}
