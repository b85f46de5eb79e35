import { parsePrivateHosts } from '../config/private-hosts';
import { isForbiddenAddress, PrivateHostAllowList, urlProblem } from './network-policy';

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

  // 6to4 is 2002:AABB:CCDD::/48 carrying AA.BB.CC.DD: the next 16 bits (the site's subnet) must not be read as part of it.
  it.each([
    ['2002:7f00:808:808::1', '127.0.8.8', true],
    ['2002:a00:808:808::', '10.0.8.8', true],
    ['2002:808:a00:1::', '8.8.10.0', false],
  ])('judges the 6to4 address %s by the IPv4 address right after 2002: (%s)', (address, _embedded, forbidden) => {
    expect(isForbiddenAddress(address)).toBe(forbidden);
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
    expect(urlProblem('https://user@api.example.com/', { httpsOnly: true })).toBe('credentials');
    expect(urlProblem('https://:pass@api.example.com/', { httpsOnly: true })).toBe('credentials');
    expect(urlProblem('https://api.plivo.com/', { httpsOnly: true })).toBeUndefined();
    expect(urlProblem('http://api.example.com/', { httpsOnly: false })).toBeUndefined();
  });
});

describe('operator allow-list of private hosts (OUTBOUND_ALLOWED_PRIVATE_HOSTS)', () => {
  const listOf = (raw: string) => {
    const { entries, problems } = parsePrivateHosts(raw, false);
    expect(problems).toEqual([]);
    return new PrivateHostAllowList(entries);
  };
  const list = listOf('idp.corp.internal,10.20.0.0/16,fd12:3456::/32,172.16.5.5');

  it.each(['10.20.0.1', '10.20.255.254', '::ffff:10.20.3.4', '64:ff9b::a14:304', 'fd12:3456::1', '172.16.5.5'])(
    'allows %s, inside a listed range, whatever name led to it',
    (address) => {
      expect(list.allowsAddress(address)).toBe(true);
      expect(list.allowsAddress(address, 'tenant-chosen.example')).toBe(true);
    },
  );

  it.each(['10.21.0.1', '10.0.0.1', '172.16.5.6', '192.168.1.1', 'fd12:3457::1', '127.0.0.1', '169.254.169.254', 'not an address'])(
    'refuses %s, outside every listed range, for an unlisted name or a literal',
    (address) => {
      expect(list.allowsAddress(address)).toBe(false);
      expect(list.allowsAddress(address, 'other.corp.internal')).toBe(false);
    },
  );

  it.each(['10.0.0.1', '192.168.1.1', '172.31.0.1', '100.64.0.1', 'fd00::1', '::ffff:192.168.1.1'])(
    'allows a listed name to resolve to the private-network address %s',
    (address) => {
      for (const name of ['idp.corp.internal', 'IDP.Corp.Internal.']) expect(list.allowsAddress(address, name)).toBe(true);
      expect(list.allowsAddress(address, 'idp.corp.internal.evil.example')).toBe(false);
      expect(list.allowsAddress(address, 'corp.internal')).toBe(false);
    },
  );

  it.each(['127.0.0.1', '::1', '::ffff:127.0.0.1', '0.0.0.0', '169.254.10.1', 'fe80::1', '224.0.0.1', '2001:0::1', '192.0.2.1'])(
    'never lets a listed name reach the loopback, link-local or reserved address %s',
    (address) => {
      expect(list.allowsAddress(address, 'idp.corp.internal')).toBe(false);
    },
  );

  it('never allows a cloud metadata address, even inside a listed range or behind a listed name', () => {
    const wide = listOf('metadata.corp,169.254.0.0/16,100.64.0.0/10,fd00::/8');
    for (const address of ['169.254.169.254', '169.254.170.2', '100.100.100.200', 'fd00:ec2::254', '::ffff:169.254.169.254']) {
      expect(wide.allowsAddress(address)).toBe(false);
      expect(wide.allowsAddress(address, 'metadata.corp')).toBe(false);
    }
    expect(wide.allowsAddress('169.254.1.1')).toBe(true);
    expect(wide.allowsAddress('100.100.100.201')).toBe(true);
  });

  it('passes a listed host in a URL, and keeps refusing every other private one', () => {
    const rules = { httpsOnly: true, allowList: list };
    expect(urlProblem('https://idp.corp.internal/jwks', rules)).toBeUndefined();
    expect(urlProblem('https://IDP.corp.internal./jwks', rules)).toBeUndefined();
    expect(urlProblem('https://10.20.1.2/jwks', rules)).toBeUndefined();
    expect(urlProblem('https://0x0a140102/jwks', rules)).toBeUndefined();
    expect(urlProblem('https://[::ffff:10.20.1.2]/jwks', rules)).toBeUndefined();
    expect(urlProblem('https://[fd12:3456::9]/jwks', rules)).toBeUndefined();
    for (const url of [
      'https://other.corp.internal/',
      'https://sub.idp.corp.internal/',
      'https://10.21.0.1/',
      'https://127.0.0.1/',
      'https://localhost/',
      'https://169.254.169.254/',
      'https://[fd00:ec2::254]/',
    ]) {
      expect([url, urlProblem(url, rules)]).toEqual([url, 'private_address']);
    }
    expect(urlProblem('http://idp.corp.internal/', rules)).toBe('not_https');
  });

  it('with defaultPortOnly, refuses any port but the default one unless the host is listed', () => {
    const rules = { httpsOnly: true, allowList: list, defaultPortOnly: true };
    expect(urlProblem('https://idp.example.com/jwks', rules)).toBeUndefined();
    expect(urlProblem('https://idp.example.com:443/jwks', rules)).toBeUndefined();
    expect(urlProblem('https://idp.example.com:8443/jwks', rules)).toBe('non_default_port');
    expect(urlProblem('https://idp.example.com:22/jwks', rules)).toBe('non_default_port');
    expect(urlProblem('https://idp.corp.internal:8443/jwks', rules)).toBeUndefined();
    expect(urlProblem('https://10.20.0.9:8443/jwks', rules)).toBeUndefined();
    expect(urlProblem('https://idp.example.com:8443/jwks', { httpsOnly: true, allowList: list })).toBeUndefined();
  });

  it('is empty by default, and then allows nothing', () => {
    const empty = new PrivateHostAllowList([]);
    expect(empty.empty).toBe(true);
    expect(list.empty).toBe(false);
    expect(empty.allowsAddress('10.0.0.1', 'idp.corp.internal')).toBe(false);
    expect(urlProblem('https://idp.corp.internal/', { httpsOnly: true, allowList: empty })).toBe('private_address');
  });
});
