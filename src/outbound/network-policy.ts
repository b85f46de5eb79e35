import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Where Callpass may send a request to a URL a tenant chose (a provider base URL, an identity provider's JWKS):
 * only to public unicast addresses. Loopback, private, link-local (cloud metadata), carrier-grade NAT, unique-local,
 * unspecified, multicast, reserved and documentation ranges are refused, as are IPv6 forms that embed an IPv4
 * address (mapped, 6to4, NAT64, Teredo), whatever their spelling.
 */
export function isForbiddenAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    return isForbiddenAddress((parsed as ipaddr.IPv6).toIPv4Address().toString());
  }
  return parsed.range() !== 'unicast';
}

/** Names that always mean this machine or its cloud's metadata service, whatever DNS says. */
const LOCAL_NAMES = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i;

export type UrlProblem = 'not_http' | 'not_https' | 'credentials' | 'private_address';

/**
 * Why a tenant-supplied URL must not be used, or undefined. The WHATWG URL parser has already turned every IPv4
 * spelling (hex, octal, short and integer forms) into dotted decimal, so literals are checked in canonical form.
 * Names are checked again when they are resolved, at connect time (see guarded-dispatcher.ts).
 */
export function urlProblem(raw: string, options: { httpsOnly: boolean }): UrlProblem | undefined {
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
  if (isIP(host) ? isForbiddenAddress(host) : LOCAL_NAMES.test(host) || host === '') return 'private_address';
  return undefined;
}
