import { LookupAddress } from 'node:dns';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AddressInfo, createServer } from 'node:net';
import { parsePrivateHosts } from '../config/private-hosts';
import { createSystemResolver, ForbiddenAddressError, guardedDispatcher, guardedLookup } from './guarded-dispatcher';
import { PrivateHostAllowList } from './network-policy';

/** Calls the lookup the guarded sockets use, without connecting anywhere. */
const lookUp = (answer: LookupAddress[], all: boolean, allowList?: PrivateHostAllowList, hostname = 'provider.example') =>
  new Promise<{ error: Error | null; result: unknown }>((resolve) => {
    guardedLookup(async () => answer, allowList)(hostname, { all }, (error: Error | null, result: unknown) => resolve({ error, result }));
  });

describe('guarded lookup', () => {
  it.each([
    [
      'a loopback address among public ones',
      [
        { address: '93.184.216.34', family: 4 },
        { address: '127.0.0.1', family: 4 },
      ],
    ],
    [
      'a private IPv6 address after a public one',
      [
        { address: '2606:4700:4700::1111', family: 6 },
        { address: 'fd00::1', family: 6 },
      ],
    ],
    ['a mapped metadata address', [{ address: '::ffff:169.254.169.254', family: 6 }]],
    ['no address at all', []],
  ])('refuses a name with %s', async (_case, answer) => {
    for (const all of [true, false]) {
      const { error } = await lookUp(answer, all);
      expect(error).toBeInstanceOf(ForbiddenAddressError);
    }
  });

  it('passes public addresses on, all of them or the first, as the socket asks', async () => {
    const answer = [
      { address: '93.184.216.34', family: 4 },
      { address: '2606:4700:4700::1111', family: 6 },
    ];
    expect(await lookUp(answer, true)).toEqual({ error: null, result: answer });
    expect(await lookUp(answer, false)).toEqual({ error: null, result: '93.184.216.34' });
  });
});

describe('guarded lookup with an operator allow-list (idp.corp.internal, 10.20.0.0/16)', () => {
  const allowList = new PrivateHostAllowList(parsePrivateHosts('idp.corp.internal,10.20.0.0/16', true).entries);
  const at = (...addresses: string[]) => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  it.each([
    ['a listed name resolving to a private-network address', 'idp.corp.internal', at('10.1.2.3')],
    ['a listed name, in another case with a trailing dot', 'IDP.corp.internal.', at('192.168.7.7', 'fd00::7')],
    ['any name resolving into a listed range', 'jwks.tenant.example', at('10.20.0.5')],
    ['a name with public addresses and one in a listed range', 'jwks.tenant.example', at('93.184.216.34', '10.20.9.9')],
  ])('passes %s on', async (_case, hostname, answer) => {
    expect(await lookUp(answer, true, allowList, hostname)).toEqual({ error: null, result: answer });
  });

  it.each([
    ['an unlisted name resolving to a private address', 'other.corp.internal', at('10.1.2.3')],
    ['an unlisted name with a private address outside the listed range', 'jwks.tenant.example', at('10.20.0.5', '10.21.0.5')],
    ['a listed name resolving to loopback', 'idp.corp.internal', at('127.0.0.1')],
    ['a listed name resolving to a mapped loopback address', 'idp.corp.internal', at('::ffff:127.0.0.1')],
    ['a listed name resolving to a metadata address', 'idp.corp.internal', at('169.254.169.254')],
    ['a listed name resolving to the IPv6 metadata address', 'idp.corp.internal', at('fd00:ec2::254')],
    ['a name under a listed one', 'evil.idp.corp.internal', at('10.1.2.3')],
  ])('refuses %s', async (_case, hostname, answer) => {
    for (const all of [true, false]) expect((await lookUp(answer, all, allowList, hostname)).error).toBeInstanceOf(ForbiddenAddressError);
  });
});

describe('guarded dispatcher, given a literal IPv6 address', () => {
  /** A loopback listener that counts connections and drops each at once, so a request that gets through ends quickly. */
  const listenOn = async (host: string) => {
    let connections = 0;
    const server = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    server.listen(0, host);
    await once(server, 'listening');
    return {
      port: (server.address() as AddressInfo).port,
      /** Connections accepted since the last call. */
      takeConnections: () => {
        const counted = connections;
        connections = 0;
        return counted;
      },
      close: () => new Promise((resolve) => server.close(resolve)),
    };
  };
  /** The outcome of one GET through a fresh dispatcher, which is closed afterwards. */
  const call = async (origin: string, allowPrivate: boolean) => {
    const dispatcher = guardedDispatcher({ allowPrivate });
    try {
      await dispatcher.request({ origin, path: '/', method: 'GET' });
      return null;
    } catch (error) {
      return error;
    } finally {
      await dispatcher.destroy();
    }
  };

  // Node connects to a literal without calling `lookup`, so only the dispatcher's own check stands in the way.
  it.each([
    ['loopback', '::1', '[::1]'],
    ['IPv4 loopback mapped into IPv6', '127.0.0.1', '[::ffff:127.0.0.1]'],
  ])('refuses %s with no connection made', async (_case, listenHost, urlHost) => {
    const listener = await listenOn(listenHost);
    try {
      const origin = `https://${urlHost}:${listener.port}`;
      // Control: the same call with the check off does reach the listener.
      expect(await call(origin, true)).not.toBeNull();
      expect(listener.takeConnections()).toBeGreaterThan(0);

      expect(await call(origin, false)).toBeInstanceOf(ForbiddenAddressError);
      expect(listener.takeConnections()).toBe(0);
    } finally {
      await listener.close();
    }
  });
});

describe('the system resolver', () => {
  it('finds a hosts-file name however it is spelled, as getaddrinfo does, without asking DNS', async () => {
    const hostsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'callpass-hosts-')), 'hosts');
    fs.writeFileSync(hostsFile, '10.0.0.7  Provider.Hosts.Test  # mixed case, as people write it\n');
    const askedDns: string[] = [];
    const resolve = createSystemResolver({ hostsFile, dns: async (hostname) => (askedDns.push(hostname), []) });
    for (const name of ['provider.hosts.test', 'PROVIDER.hosts.TEST', 'Provider.Hosts.Test.']) {
      expect(await resolve(name)).toEqual([{ address: '10.0.0.7', family: 4 }]);
    }
    expect(askedDns).toEqual([]);
  });
});
