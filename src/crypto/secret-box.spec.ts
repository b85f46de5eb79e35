import { randomBytes } from 'node:crypto';
import { formatKeyEntry, parseKeyring } from './keyring';
import { DecryptionError, SecretBox } from './secret-box';

const entry = (id: string) => formatKeyEntry(id, randomBytes(32));

describe('SecretBox (AES-256-GCM envelope)', () => {
  const oldKey = entry('old');
  const newKey = entry('new');
  const box = new SecretBox(parseKeyring(oldKey));

  it('round-trips a secret and names its key id, without the plaintext in the envelope', () => {
    const envelope = box.encrypt('canary-secret-value', 'tenant-a:row-1');
    expect(envelope.startsWith('cpenc1.old.')).toBe(true);
    expect(envelope).not.toContain('canary');
    expect(SecretBox.keyIdOf(envelope)).toBe('old');
    expect(box.decrypt(envelope, 'tenant-a:row-1')).toBe('canary-secret-value');
  });

  it('fails when the envelope is bound to another record (copied to another row or tenant)', () => {
    const envelope = box.encrypt('secret', 'tenant-a:row-1');
    expect(() => box.decrypt(envelope, 'tenant-a:row-2')).toThrow(DecryptionError);
    expect(() => box.decrypt(envelope, 'tenant-b:row-1')).toThrow(DecryptionError);
  });

  it('fails on any flipped byte of the ciphertext or of the wrapped data key', () => {
    const envelope = box.encrypt('secret', 'aad');
    const [version, kid, wrapped, body] = envelope.split('.');
    const flip = (part: string, index: number) => {
      const bytes = Buffer.from(part, 'base64url');
      bytes[index % bytes.length] ^= 0x01;
      return bytes.toString('base64url');
    };
    for (let index = 0; index < Buffer.from(body, 'base64url').length; index += 7) {
      expect(() => box.decrypt([version, kid, wrapped, flip(body, index)].join('.'), 'aad')).toThrow(DecryptionError);
    }
    expect(() => box.decrypt([version, kid, flip(wrapped, 20), body].join('.'), 'aad')).toThrow(DecryptionError);
    expect(() => box.decrypt('not-an-envelope', 'aad')).toThrow(DecryptionError);
  });

  it('fails as a decryption, never otherwise, on a body or a wrapped key cut short, however short', () => {
    const [version, kid, wrapped, body] = box.encrypt('secret', 'aad').split('.');
    const cut = (part: string, length: number) => Buffer.from(part, 'base64url').subarray(0, length).toString('base64url');
    for (const length of [0, 1, 11, 12, 27]) {
      expect(() => box.decrypt([version, kid, wrapped, cut(body, length)].join('.'), 'aad')).toThrow(DecryptionError);
      expect(() => box.decrypt([version, kid, cut(wrapped, length), body].join('.'), 'aad')).toThrow(DecryptionError);
    }
  });

  it('re-wraps onto the primary key without changing the encrypted value, and old keys keep decrypting', () => {
    const envelope = box.encrypt('secret', 'aad');
    const rotated = new SecretBox(parseKeyring(`${newKey},${oldKey}`));
    expect(rotated.decrypt(envelope, 'aad')).toBe('secret');
    const rewrapped = rotated.rewrap(envelope);
    expect(SecretBox.keyIdOf(rewrapped)).toBe('new');
    expect(rewrapped.split('.')[3]).toBe(envelope.split('.')[3]);
    expect(new SecretBox(parseKeyring(newKey)).decrypt(rewrapped, 'aad')).toBe('secret');
    expect(() => new SecretBox(parseKeyring(newKey)).decrypt(envelope, 'aad')).toThrow('Encryption key old is not in the keyring');
  });

  it('uses the configured primary key id for new secrets', () => {
    const keyring = parseKeyring(`${oldKey},${newKey}`, 'new');
    expect(SecretBox.keyIdOf(new SecretBox(keyring).encrypt('x', 'aad'))).toBe('new');
  });

  it('never reuses a nonce or a data key across 20,000 encryptions', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i += 1) {
      const [, , wrapped, body] = box.encrypt('same plaintext', 'same aad').split('.');
      seen.add(Buffer.from(body, 'base64url').subarray(0, 12).toString('hex'));
      seen.add(Buffer.from(wrapped, 'base64url').subarray(0, 12).toString('hex'));
    }
    expect(seen.size).toBe(40_000);
  });
});
