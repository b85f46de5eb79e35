import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { inRange, PRIVATE_NETWORK_RANGES, PrivateHostEntry, IpRange } from '../config/private-hosts';

/**
 * Where Callpass may send a request to a URL a tenant chose (a provider base URL, an identity provider's JWKS):
 * only to public unicast addresses. Loopback, private, link-local (cloud metadata), carrier-grade NAT, unique-local,
 * unspecified, multicast, reserved and documentation ranges are refused, whatever their spelling. An IPv6 address
 * that carries an IPv4 one (mapped, compatible, NAT64, 6to4) is judged by that IPv4 address; Teredo is refused.
 */
export function isForbiddenAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return parsed.range() !== 'unicast';
  const embedded = embeddedIPv4(parsed as ipaddr.IPv6);
  if (embedded !== undefined) return embedded === null || isForbiddenAddress(embedded);
  return parsed.range() !== 'unicast';
}

/** The IPv4 address an IPv6 address carries; null for a form refused whole (Teredo); undefined when it carries none. */
function embeddedIPv4(address: ipaddr.IPv6): string | null | undefined {
  const parts = address.parts;
  const ipv4 = (high: number, low: number) => `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  switch (address.range()) {
    case 'ipv4Mapped':
    case 'rfc6052':
      return ipv4(parts[6], parts[7]);
    case '6to4':
      return ipv4(parts[1], parts[2]);
    case 'teredo':
      return null;
  }
  // IPv4-compatible (::a.b.c.d, deprecated), apart from :: and ::1 themselves.
  const compatible = parts.slice(0, 6).every((part) => part === 0) && (parts[6] !== 0 || parts[7] > 1);
  return compatible ? ipv4(parts[6], parts[7]) : undefined;
}

/**
 * Cloud metadata services (AWS, GCP, Azure, Oracle: 169.254.169.254; AWS over IPv6: fd00:ec2::254; AWS ECS tasks:
 * 169.254.170.2; Alibaba: 100.100.100.200). Never reached, whatever the allow-list says.
 */
const METADATA_ADDRESSES = ['169.254.169.254', '169.254.170.2', 'fd00:ec2::254', '100.100.100.200'].map((address) => ipaddr.parse(address));

/**
 * The operator's allow-list (OUTBOUND_ALLOWED_PRIVATE_HOSTS) of non-public hosts that tenant-chosen URLs may reach.
 * The rule, for a non-public address:
 * - inside a listed range: allowed, whatever name led to it (a literal in a URL, or any name resolving there);
 * - reached through a listed host name: allowed if it lies in a private-network range (RFC 1918, 100.64.0.0/10,
 *   fc00::/7), never loopback, link-local or unspecified: the name answers in the operator's DNS, not a tenant's, and
 *   listing it must not open this machine, nor need a range opened to every tenant URL;
 * - a cloud metadata address: never.
 * An IPv6 address that carries an IPv4 one is judged by the IPv4 address; Teredo never matches.
 */
export class PrivateHostAllowList {
  private readonly names: ReadonlySet<string>;
  private readonly ranges: readonly IpRange[];

  constructor(entries: readonly PrivateHostEntry[]) {
    this.names = new Set(entries.flatMap((entry) => ('name' in entry ? [entry.name] : [])));
    this.ranges = entries.flatMap((entry) => ('range' in entry ? [entry.range] : []));
  }

  get empty(): boolean {
    return this.names.size === 0 && this.ranges.length === 0;
  }

  /** Whether a URL's host is listed: its name exactly (any case, trailing dot ignored), or an address in a listed range. */
  allowsHost(host: string): boolean {
    const bare = normalHost(host);
    return isIP(bare) ? this.allowsAddress(bare) : this.names.has(bare);
  }

  /** Whether a non-public `address` may be connected to, when reached through `hostname` (none for a literal). */
  allowsAddress(address: string, hostname?: string): boolean {
    const judged = judgedAddress(address);
    if (!judged || METADATA_ADDRESSES.some((metadata) => metadata.kind() === judged.kind() && metadata.toString() === judged.toString()))
      return false;
    if (this.ranges.some((range) => inRange(judged, range))) return true;
    return hostname !== undefined && this.names.has(normalHost(hostname)) && PRIVATE_NETWORK_RANGES.some((range) => inRange(judged, range));
  }
}

/** A URL's or socket's host in the form the allow-list holds: no brackets, lower case, no trailing dot. */
function normalHost(host: string): string {
  return host
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
}

/** The address as judged: the IPv4 address an IPv6 one carries, if any; undefined for Teredo or an invalid one. */
function judgedAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (!ipaddr.isValid(address)) return undefined;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return parsed;
  const embedded = embeddedIPv4(parsed as ipaddr.IPv6);
  if (embedded === null) return undefined;
  return embedded === undefined ? parsed : ipaddr.parse(embedded);
}

/** Names that always mean this machine or its cloud's metadata service, whatever DNS says. */
const LOCAL_NAMES = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i;

export type UrlProblem = 'not_http' | 'not_https' | 'credentials' | 'private_address' | 'non_default_port';

export interface UrlRules {
  httpsOnly: boolean;
  /** Private hosts the operator allows (none by default). */
  allowList?: PrivateHostAllowList;
  /** Only the scheme's default port (443 for https), unless the host is on the allow-list. */
  defaultPortOnly?: boolean;
}

/**
 * Why a tenant-supplied URL must not be used, or undefined. The WHATWG URL parser has already turned every IPv4
 * spelling (hex, octal, short and integer forms) into dotted decimal, so literals are checked in canonical form.
 * A host on the allow-list passes (a listed name, or a literal in a listed range). Names are checked again when
 * they are resolved, at connect time (see guarded-dispatcher.ts).
 */
export function urlProblem(raw: string, options: UrlRules): UrlProblem | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not_http';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'not_http';
  if (options.httpsOnly && url.protocol !== 'https:') return 'not_https';
  if (url.username || url.password) return 'credentials';
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  const listed = options.allowList?.allowsHost(host) ?? false;
  if (!listed && (isIP(host) ? isForbiddenAddress(host) : LOCAL_NAMES.test(host) || host === '')) return 'private_address';
  // The WHATWG parser leaves `port` empty for the scheme's default port, however it was written.
  if (options.defaultPortOnly && url.port !== '' && !listed) return 'non_default_port';
  return undefined;
}
