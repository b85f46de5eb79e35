import { randomBytes } from 'node:crypto';
import { generateApiKey } from '../crypto/api-key-codec';
import { formatKeyEntry } from '../crypto/keyring';
import { AppConfig } from './app-config';
import { ConfigValidationError, validateEnvironment } from './environment';

const key = (id: string) => formatKeyEntry(id, randomBytes(32));

describe('environment validation', () => {
  it('accepts an empty environment with development defaults', () => {
    const env = validateEnvironment({});
    expect(env).toMatchObject({ NODE_ENV: 'development', PORT: 3000, MIGRATE_ON_BOOT: true, DATA_DIR: './data' });
  });

  it('parses numbers and booleans', () => {
    expect(validateEnvironment({ PORT: '8080', MIGRATE_ON_BOOT: 'false' })).toMatchObject({ PORT: 8080, MIGRATE_ON_BOOT: false });
  });

  it.each([
    [{ PORT: 'eighty' }, /^Invalid configuration: PORT /],
    [{ DATABASE_URL: 'mysql://x' }, /^Invalid configuration: DATABASE_URL must be a postgresql:\/\/ connection URL$/],
    [{ ENCRYPTION_KEYS: 'nonsense' }, /^Invalid configuration: ENCRYPTION_KEYS must be a comma-separated list/],
    [{ ENCRYPTION_KEYS: `a:${Buffer.alloc(16).toString('base64')}xxxxxxxxxxxxxxxxxxxxx` }, /encryption key a must be 32 bytes/],
    [{ ENCRYPTION_KEYS: key('a'), ENCRYPTION_PRIMARY_KEY_ID: 'b' }, /ENCRYPTION_PRIMARY_KEY_ID b is not in ENCRYPTION_KEYS/],
    [{ ENCRYPTION_KEYS: `${key('a')},${key('b')},${key('a')}` }, /^Invalid configuration: encryption key id a appears twice$/],
    [{ BOOTSTRAP_ADMIN_KEY: generateApiKey('tenant').key }, /^Invalid configuration: BOOTSTRAP_ADMIN_KEY /],
    [{ NODE_ENV: 'production', DATABASE_URL: 'postgresql://db/x' }, /ENCRYPTION_KEYS is required when NODE_ENV=production/],
    [{ NODE_ENV: 'production', ENCRYPTION_KEYS: key('a') }, /DATABASE_URL is required when NODE_ENV=production/],
    [
      { NODE_ENV: 'production', ENCRYPTION_KEYS: key('a'), DATABASE_URL: 'postgresql://db/x', ALLOW_PRIVATE_NETWORK_URLS: 'true' },
      /ALLOW_PRIVATE_NETWORK_URLS must not be set when NODE_ENV=production/,
    ],
    [
      { OUTBOUND_ALLOWED_PRIVATE_HOSTS: 'idp.corp.internal,10.0.0.0/33' },
      /^Invalid configuration: OUTBOUND_ALLOWED_PRIVATE_HOSTS entry "10.0.0.0\/33" /,
    ],
    [
      {
        NODE_ENV: 'production',
        ENCRYPTION_KEYS: key('a'),
        DATABASE_URL: 'postgresql://db/x',
        OUTBOUND_ALLOWED_PRIVATE_HOSTS: '127.0.0.0/8',
      },
      /^Invalid configuration: OUTBOUND_ALLOWED_PRIVATE_HOSTS entry "127.0.0.0\/8" includes loopback addresses, never allowed in production/,
    ],
    [
      {
        NODE_ENV: 'production',
        ENCRYPTION_KEYS: key('a'),
        DATABASE_URL: 'postgresql://db/x',
        OUTBOUND_ALLOWED_PRIVATE_HOSTS: '169.254.169.254',
      },
      /^Invalid configuration: OUTBOUND_ALLOWED_PRIVATE_HOSTS entry "169.254.169.254" includes link-local addresses \(cloud metadata\)/,
    ],
  ])('refuses %p with one line naming the variable', (raw, message) => {
    let thrown: unknown;
    try {
      validateEnvironment(raw);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigValidationError);
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).not.toContain('\n');
  });

  it('takes an operator allow-list of private hosts in production, and refuses each bad entry on a line of its own', () => {
    const production = { NODE_ENV: 'production', ENCRYPTION_KEYS: key('a'), DATABASE_URL: 'postgresql://db/x' };
    const env = validateEnvironment({ ...production, OUTBOUND_ALLOWED_PRIVATE_HOSTS: 'idp.corp.internal,10.20.0.0/16' });
    expect(env.OUTBOUND_ALLOWED_PRIVATE_HOSTS).toBe('idp.corp.internal,10.20.0.0/16');
    expect(
      AppConfig.fromEnvironment({ ...production, OUTBOUND_ALLOWED_PRIVATE_HOSTS: 'IDP.corp.internal.' }).outboundAllowedPrivateHosts,
    ).toEqual([{ name: 'idp.corp.internal' }]);
    expect(AppConfig.fromEnvironment({}).outboundAllowedPrivateHosts).toEqual([]);
    expect(() =>
      validateEnvironment({ ...production, PORT: 'eighty', OUTBOUND_ALLOWED_PRIVATE_HOSTS: 'https://idp,fe80::/10,localhost' }),
    ).toThrow(
      new RegExp(
        [
          '^Invalid configuration: PORT [^\\n]*',
          'Invalid configuration: OUTBOUND_ALLOWED_PRIVATE_HOSTS entry "https://idp" [^\\n]*',
          'Invalid configuration: OUTBOUND_ALLOWED_PRIVATE_HOSTS entry "fe80::/10" includes link-local [^\\n]*',
          'Invalid configuration: OUTBOUND_ALLOWED_PRIVATE_HOSTS entry "localhost" always means this machine[^\\n]*$',
        ].join('\\n'),
      ),
    );
  });

  it('lists every problem at once, one line each', () => {
    expect(() => validateEnvironment({ NODE_ENV: 'production', PORT: 'eighty' })).toThrow(
      /^Invalid configuration: PORT .*\nInvalid configuration: ENCRYPTION_KEYS is required .*\nInvalid configuration: DATABASE_URL is required [^\n]*$/,
    );
  });

  it('never echoes a secret value in its message', () => {
    let thrown: unknown;
    try {
      validateEnvironment({ ENCRYPTION_KEYS: `k:${'s'.repeat(10)}` });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigValidationError);
    expect((thrown as Error).message).not.toContain('ssssssssss');
  });
});
