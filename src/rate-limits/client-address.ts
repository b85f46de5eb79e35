import type { FastifyRequest } from 'fastify';
import ipaddr from 'ipaddr.js';

const PLAIN_IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * The part of a client address one party controls: an IPv4 address, or the /64 of an IPv6 one (a single host is
 * routinely given a whole /64, so counting per IPv6 address would let it spread requests over 2^64 keys). Anything
 * that is no IP address is its own key.
 */
export function clientAddressKey(address: string): string {
  return keyOfAddress(address) ?? address;
}

/**
 * The client's key for a request: its address as Fastify gives it (from X-Forwarded-For behind TRUST_PROXY), or the
 * connection's own when that is no IP address (a forged header, a port appended), so a header cannot name a key.
 */
export function requestClientKey(request: FastifyRequest): string {
  return keyOfAddress(request.ip) ?? clientAddressKey(request.socket.remoteAddress ?? '');
}

/** The key of an IP address, or undefined for anything else. */
function keyOfAddress(address: string): string | undefined {
  // Every request asks: a plain IPv4 address, the usual answer, is its own key without parsing.
  if (PLAIN_IPV4.test(address)) return address;
  if (!ipaddr.isValid(address)) return undefined;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  return `${(parsed as ipaddr.IPv6).parts
    .slice(0, 4)
    .map((part) => part.toString(16))
    .join(':')}::/64`;
}
