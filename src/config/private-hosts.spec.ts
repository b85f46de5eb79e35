import { parsePrivateHosts } from './private-hosts';

const entriesOf = (raw: string, production = false) => {
  const { entries, problems } = parsePrivateHosts(raw, production);
  expect(problems).toEqual([]);
  return entries.map((entry) => ('name' in entry ? entry.name : `${entry.range[0].toString()}/${entry.range[1]}`));
};
const problemsOf = (raw: string, production = false) => parsePrivateHosts(raw, production).problems;

describe('OUTBOUND_ALLOWED_PRIVATE_HOSTS parsing', () => {
  it('reads names (lower case, no trailing dot), addresses and CIDR ranges, skipping empty entries', () => {
    expect(entriesOf(' IdP.Corp.Internal. , 10.20.0.0/16,, 192.168.4.7 ,fd12:3456::/32,fd00::1,keycloak_1.lan', true)).toEqual([
      'idp.corp.internal',
      '10.20.0.0/16',
      '192.168.4.7/32',
      'fd12:3456::/32',
      'fd00::1/128',
      'keycloak_1.lan',
    ]);
    expect(entriesOf('')).toEqual([]);
  });

  it('allows loopback and any range outside production (tests and the sandbox listen on loopback)', () => {
    expect(entriesOf('127.0.0.1/32,localhost,::1')).toEqual(['127.0.0.1/32', 'localhost', '::1/128']);
  });

  it.each([
    ['https://idp.corp.internal', /no scheme, port or path/],
    ['idp.corp.internal:8443', /no scheme, port or path/],
    ['idp.corp.internal/jwks', /neither a host name nor/],
    ['*.corp.internal', /wildcard/],
    ['idp..corp', /neither a host name nor/],
    ['-idp.corp', /neither a host name nor/],
    ['10.0.0.0/33', /not a valid IP address or CIDR range/],
    ['10.1/16', /not a valid IP address or CIDR range/],
    ['010.0.0.0/8', /not a valid IP address or CIDR range/],
    ['10.0.0.256', /not a valid IP address or CIDR range/],
    ['fd00::/129', /not a valid IP address or CIDR range/],
    ['fe80::1%eth0', /not a valid IP address or CIDR range/],
    ['corp.0x7f', /looks like an IP address/],
    ['::ffff:10.0.0.0/104', /carries IPv4 addresses; list the IPv4 range itself/],
  ])('refuses %p, naming it', (entry, message) => {
    const problems = problemsOf(`ok.corp,${entry}`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      new RegExp(`^Invalid configuration: OUTBOUND_ALLOWED_PRIVATE_HOSTS entry "${entry.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}" `),
    );
    expect(problems[0]).toMatch(message);
  });

  it.each([
    ['127.0.0.1', /includes loopback addresses, never allowed in production/],
    ['127.0.0.0/8', /includes loopback addresses/],
    ['::1', /includes loopback addresses/],
    ['0.0.0.0/0', /includes loopback addresses/],
    ['::/0', /includes loopback addresses/],
    ['169.254.169.254', /includes link-local addresses \(cloud metadata\), never allowed in production/],
    ['169.254.0.0/16', /includes link-local addresses/],
    ['fe80::/10', /includes link-local addresses/],
    ['0.0.0.0/8', /includes the unspecified address/],
    ['10.0.0.0/7', /is not inside a private-network range/],
    ['8.8.8.0/24', /is not inside a private-network range; .*public addresses need no listing/],
    ['224.0.0.0/4', /is not inside a private-network range/],
    ['localhost', /always means this machine; it is never allowed in production/],
    ['api.localhost', /always means this machine/],
  ])('refuses %p in production', (entry, message) => {
    const problems = problemsOf(entry, true);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`entry "${entry}"`);
    expect(problems[0]).toMatch(message);
  });

  it('accepts private-network ranges in production', () => {
    expect(entriesOf('10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,fc00::/7,172.20.1.0/24', true)).toHaveLength(6);
  });

  it('names every bad entry at once', () => {
    expect(problemsOf('bad entry,10.0.0.0/8,127.0.0.1,x:1', true)).toEqual([
      expect.stringContaining('"bad entry"'),
      expect.stringContaining('"127.0.0.1"'),
      expect.stringContaining('"x:1"'),
    ]);
  });
});
