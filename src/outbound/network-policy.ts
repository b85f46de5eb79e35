import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

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
