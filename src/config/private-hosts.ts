import ipaddr from 'ipaddr.js';

export type IpRange = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** One entry of OUTBOUND_ALLOWED_PRIVATE_HOSTS: a host name (lower case, no trailing dot) or an address range. */
export type PrivateHostEntry = { name: string } | { range: IpRange };

/**
 * The ranges meant for private networks: RFC 1918, carrier-grade NAT (RFC 6598) and unique-local IPv6 (RFC 4193).
 * In production only these may be listed, and a listed host name may resolve only into them.
 */
export const PRIVATE_NETWORK_RANGES: readonly IpRange[] = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  'fc00::/7',
].map((cidr) => ipaddr.parseCIDR(cidr));

/** What a production entry may not reach, and how to say so. */
const NEVER_IN_PRODUCTION: [string, string[]][] = [
  ['loopback addresses', ['127.0.0.0/8', '::1/128']],
  ['link-local addresses (cloud metadata)', ['169.254.0.0/16', 'fe80::/10']],
  ['the unspecified address (this machine)', ['0.0.0.0/8', '::/128']],
];

/** IPv6 forms that carry an IPv4 address: such an address is judged as that IPv4 address, so list the IPv4 range. */
const IPV4_CARRYING = new Set(['ipv4Mapped', 'rfc6052', '6to4', 'teredo']);

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

export function inRange(address: ipaddr.IPv4 | ipaddr.IPv6, [network, bits]: IpRange): boolean {
  return address.kind() === network.kind() && address.match(network, bits);
}

const overlaps = (a: IpRange, b: IpRange) => inRange(a[0], b) || inRange(b[0], a);
const within = (inner: IpRange, outer: IpRange) => inner[1] >= outer[1] && inRange(inner[0], outer);

/**
 * Parses OUTBOUND_ALLOWED_PRIVATE_HOSTS (comma-separated host names, IP addresses and CIDR ranges): the entries,
 * and one line per bad entry, naming it. In production a range must lie inside PRIVATE_NETWORK_RANGES (never
 * loopback, link-local or unspecified), and `localhost` names are refused.
 */
export function parsePrivateHosts(raw: string | undefined, production: boolean): { entries: PrivateHostEntry[]; problems: string[] } {
  const entries: PrivateHostEntry[] = [];
  const problems: string[] = [];
  for (const text of (raw ?? '').split(',').map((entry) => entry.trim())) {
    if (text === '') continue;
    const parsed = parseEntry(text, production);
    if (typeof parsed === 'string') problems.push(`Invalid configuration: OUTBOUND_ALLOWED_PRIVATE_HOSTS entry "${text}" ${parsed}`);
    else entries.push(parsed);
  }
  return { entries, problems };
}

/** The entry, or why it is refused. */
function parseEntry(text: string, production: boolean): PrivateHostEntry | string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text) || /^[^:]+:\d*$/.test(text))
    return 'must be a host name or an address range alone: no scheme, port or path';
  if (/^[\d.]+(\/\d+)?$/.test(text) || text.includes(':')) return parseRange(text, production);
  const name = text.toLowerCase().replace(/\.$/, '');
  const labels = name.split('.');
  if (text.includes('*')) return 'is a wildcard; list each host name';
  if (name.length > 253 || !labels.every((label) => LABEL.test(label))) {
    return 'is neither a host name nor an IP address or CIDR range (a.b.c.d/n, x:y::/n)';
  }
  // A URL parser reads a name ending in a number as an IPv4 address, so such a name could never match.
  if (/^(\d+|0x[0-9a-f]*)$/.test(labels.at(-1)!)) return 'looks like an IP address; write it as a.b.c.d or a.b.c.d/n';
  if (production && (name === 'localhost' || name.endsWith('.localhost')))
    return 'always means this machine; it is never allowed in production';
  return { name };
}

function parseRange(text: string, production: boolean): PrivateHostEntry | string {
  const cidr = text.includes('/') ? text : `${text}/${text.includes(':') ? 128 : 32}`;
  const valid = cidr.includes(':') ? ipaddr.IPv6.isValidCIDR(cidr) && !cidr.includes('%') : ipaddr.IPv4.isValidCIDRFourPartDecimal(cidr);
  if (!valid) return 'is not a valid IP address or CIDR range (a.b.c.d/n with decimal parts, or x:y::/n)';
  const range = ipaddr.parseCIDR(cidr);
  if (range[0].kind() === 'ipv6' && IPV4_CARRYING.has(range[0].range())) return 'carries IPv4 addresses; list the IPv4 range itself';
  if (production && !PRIVATE_NETWORK_RANGES.some((allowed) => within(range, allowed))) {
    const reserved = NEVER_IN_PRODUCTION.find(([, cidrs]) => cidrs.some((never) => overlaps(range, ipaddr.parseCIDR(never))));
    const why = reserved ? `includes ${reserved[0]}, never allowed in production` : 'is not inside a private-network range';
    return `${why}; list ranges inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10 or fc00::/7 (public addresses need no listing)`;
  }
  return { range };
}
