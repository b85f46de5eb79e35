import { API_KEY_PATTERN, displayPrefix, generateApiKey, hashApiKey, parseApiKey } from './api-key-codec';

describe('API key format', () => {
  it.each([
    ['admin', 'cp_admin_'],
    ['tenant', 'cp_tenant_'],
    ['service', 'cp_svc_'],
  ] as const)('%s keys carry the %s prefix, match the scanner pattern and parse back', (kind, prefix) => {
    const { key, prefix: shown, secretHash } = generateApiKey(kind);
    expect(key.startsWith(prefix)).toBe(true);
    expect(key).toMatch(API_KEY_PATTERN);
    expect(parseApiKey(key)).toBe(kind);
    expect(shown).toBe(`${prefix}${key.slice(prefix.length, prefix.length + 8)}`);
    expect(displayPrefix(key)).toBe(shown);
    expect(secretHash).toBe(hashApiKey(key));
    expect(secretHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('never repeats a key', () => {
    const keys = new Set(Array.from({ length: 2000 }, () => generateApiKey('tenant').key));
    expect(keys.size).toBe(2000);
  });

  it('rejects a key whose checksum does not match, without any lookup', () => {
    const { key } = generateApiKey('tenant');
    const body = key.slice('cp_tenant_'.length);
    const flipped = body[0] === 'A' ? 'B' : 'A';
    expect(parseApiKey(`cp_tenant_${flipped}${body.slice(1)}`)).toBeUndefined();
    expect(parseApiKey(`cp_admin_${body}`)).toBeUndefined();
  });

  it.each(['', 'Bearer x', 'cp_tenant_short', 'sk_live_0123456789', `cp_root_${'a'.repeat(49)}`])(
    'rejects malformed key %p',
    (candidate) => {
      expect(parseApiKey(candidate)).toBeUndefined();
    },
  );
});
