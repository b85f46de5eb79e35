import { isForbiddenAddress, urlProblem } from './network-policy';

describe('network policy (SSRF guard)', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '10.0.0.1',
    '10.255.255.255',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '100.64.0.1',
    '100.127.255.254',
    '169.254.169.254',
    '169.254.0.1',
    '0.0.0.0',
    '255.255.255.255',
    '224.0.0.1',
    '192.0.2.10',
    '198.51.100.10',
    '203.0.113.10',
    '::1',
    '::',
    'fd00::1',
    'fc00::1',
    'fe80::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    '64:ff9b::7f00:1',
    '2002:7f00:1::1',
    '2001:0::1',
    '::7f00:1',
    '::a00:1',
    '::127.0.0.1',
    'not an address',
  ])('refuses %s', (address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ])('allows the public address %s', (address) => {
    expect(isForbiddenAddress(address)).toBe(false);
  });

  it.each([
    'https://127.0.0.1/',
    'https://localhost/',
    'https://LOCALHOST./',
    'https://api.localhost/',
    'https://[::1]/',
    'https://[::ffff:127.0.0.1]/',
    'https://[0:0:0:0:0:ffff:7f00:1]/',
    'https://0x7f000001/',
    'https://2130706433/',
    'https://0177.0.0.1/',
    'https://127.1/',
    'https://127.000.000.001/',
    'https://0/',
    'https://0.0.0.0/',
    'https://[::]/',
    'https://169.254.169.254/latest/meta-data/',
    'https://metadata.google.internal/',
    'https://10.0.0.1/',
    'https://172.16.0.1/',
    'https://192.168.0.1/',
    'https://100.64.0.1/',
    'https://[fd00::1]/',
    'https://[fe80::1]/',
    'https://router.local/',
    'https://①②⑦.0.0.1/',
  ])('refuses the URL %s (private_address)', (url) => {
    expect(urlProblem(url, { httpsOnly: true })).toBe('private_address');
  });

  it('refuses other schemes, plain http when https is required, and credentials in the URL', () => {
    expect(urlProblem('file:///etc/passwd', { httpsOnly: false })).toBe('not_http');
    expect(urlProblem('gopher://example.com/', { httpsOnly: false })).toBe('not_http');
    expect(urlProblem('not a url', { httpsOnly: false })).toBe('not_http');
    expect(urlProblem('http://api.example.com/', { httpsOnly: true })).toBe('not_https');
    expect(urlProblem('https://user:pass@api.example.com/', { httpsOnly: true })).toBe('credentials');
    expect(urlProblem('https://api.plivo.com/', { httpsOnly: true })).toBeUndefined();
    expect(urlProblem('http://api.example.com/', { httpsOnly: false })).toBeUndefined();
  });
});
