import { LookupAddress, promises as dns } from 'node:dns';
import { readFile } from 'node:fs/promises';
import { isIP, LookupFunction } from 'node:net';
import { rootCertificates } from 'node:tls';
import { Agent, buildConnector, Dispatcher } from 'undici';
import { isForbiddenAddress, PrivateHostAllowList } from './network-policy';

/** How host names are resolved: the system resolver, or a test's. */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

/**
 * DNS through c-ares, on the event loop with its own timeout: the system's getaddrinfo would hold one of libuv's
 * four threads per lookup, so a tenant's name whose DNS never answers could stall file and crypto work for all.
 */
const dnsResolver = new dns.Resolver({ timeout: 2_000, tries: 2 });

const dnsOnly: Resolver = async (hostname) => {
  const [v4, v6] = await Promise.allSettled([dnsResolver.resolve4(hostname), dnsResolver.resolve6(hostname)]);
  const addresses = [
    ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 })) : []),
    ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 })) : []),
  ];
  if (addresses.length === 0) {
    throw v4.status === 'rejected' ? v4.reason : Object.assign(new Error(`${hostname} has no address`), { code: 'ENODATA', hostname });
  }
  return addresses;
};

/** How long the hosts file is trusted before it is read again (it changes rarely; a change is seen this much later). */
const HOSTS_FILE_TTL_MS = 5_000;

/**
 * Resolves as getaddrinfo would, without its thread: the hosts file first (Docker's extra_hosts, Kubernetes'
 * hostAliases), then DNS. c-ares alone never reads the hosts file, so a name mapped there to loopback failed to
 * resolve: a 503 provider_unavailable that counted against the account's circuit, instead of the refusal of a
 * forbidden address. `dns` is for tests (which must send no query anywhere).
 */
export function createSystemResolver(options: { hostsFile?: string; dns?: Resolver } = {}): Resolver {
  const hostsFile = options.hostsFile ?? '/etc/hosts';
  const dnsLookup = options.dns ?? dnsOnly;
  let hosts: { readAt: number; names: Promise<Map<string, LookupAddress[]>> } | undefined;
  const hostsNow = () => {
    if (!hosts || Date.now() - hosts.readAt > HOSTS_FILE_TTL_MS) {
      hosts = { readAt: Date.now(), names: readFile(hostsFile, 'utf8').then(parseHostsFile, () => new Map()) };
    }
    return hosts.names;
  };
  return async (hostname) => {
    const listed = (await hostsNow()).get(hostname.toLowerCase().replace(/\.$/, ''));
    return listed ?? dnsLookup(hostname);
  };
}

export const systemResolver: Resolver = createSystemResolver();

/** `address name [alias…]` lines, `#` comments: each name's addresses, in the file's order. */
export function parseHostsFile(text: string): Map<string, LookupAddress[]> {
  const names = new Map<string, LookupAddress[]>();
  for (const line of text.split(/\r?\n/)) {
    const [address, ...aliases] = line.replace(/#.*/, '').trim().split(/\s+/);
    const family = isIP(address ?? '');
    if (!family) continue;
    for (const alias of aliases) {
      const name = alias.toLowerCase().replace(/\.$/, '');
      names.set(name, [...(names.get(name) ?? []), { address, family }]);
    }
  }
  return names;
}

export class ForbiddenAddressError extends Error {
  override readonly name = 'ForbiddenAddressError';
  readonly code = 'EFORBIDDENADDRESS';
}

const NOTHING_LISTED = new PrivateHostAllowList([]);

/**
 * An undici dispatcher that connects only to public addresses, and to the private ones the operator's allow-list
 * admits (see PrivateHostAllowList). The address is checked where the socket is opened, after resolution, so a name
 * that resolves (or re-resolves, as in DNS rebinding) to a private address is refused with no connection made. A
 * name with any forbidden address is refused as a whole. `allowPrivate` (tests and the sandbox, whose emulators
 * listen on loopback) turns the check off; production refuses to start with it.
 */
export function guardedDispatcher(options: GuardOptions): Dispatcher {
  return new Agent({ connect: guardedConnector(options) });
}

export interface GuardOptions {
  allowPrivate: boolean;
  allowList?: PrivateHostAllowList;
  resolver?: Resolver;
  extraCaCertificates?: string[];
}

/** Opens sockets (TLS for `protocol: 'https:'`) under the guard above: for undici's agent, and for raw TLS streams. */
export function guardedConnector(options: GuardOptions): buildConnector.connector {
  // Node's own store (with NODE_EXTRA_CA_CERTS) unless more are given: `ca` replaces the store, so the roots go first.
  const ca = options.extraCaCertificates?.length ? [...rootCertificates, ...options.extraCaCertificates] : undefined;
  if (options.allowPrivate) return buildConnector(ca ? { ca } : {});
  const allowList = options.allowList ?? NOTHING_LISTED;
  const connect = buildConnector({ lookup: guardedLookup(options.resolver ?? systemResolver, allowList), ca });
  return (connectOptions, callback) => {
    // Literal addresses never reach `lookup`: Node connects to them directly.
    const literal = connectOptions.hostname;
    if (isIP(literal) && isForbiddenAddress(literal) && !allowList.allowsAddress(literal)) {
      return callback(new ForbiddenAddressError(`${literal} is an address Callpass may not call`), null);
    }
    return connect(connectOptions, callback);
  };
}

/**
 * The `lookup` sockets use: resolves, then refuses the name if any of its addresses is forbidden (not public, and not
 * admitted by the allow-list for this name), or if it has none.
 */
export function guardedLookup(resolver: Resolver, allowList: PrivateHostAllowList = NOTHING_LISTED): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    resolver(hostname).then(
      (addresses) => {
        const refused = (address: string) => isForbiddenAddress(address) && !allowList.allowsAddress(address, hostname);
        const forbidden = addresses.length === 0 || addresses.some(({ address }) => refused(address));
        if (forbidden) return callback(new ForbiddenAddressError(`${hostname} resolves to an address Callpass may not call`), '', 4);
        if (lookupOptions.all) return (callback as unknown as (error: null, all: LookupAddress[]) => void)(null, addresses);
        const [first] = addresses;
        callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 4),
    );
  };
}
