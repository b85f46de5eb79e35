import net from 'node:net';

/**
 * A loopback TCP proxy a test controls, put between a server process and PostgreSQL to break the connection the
 * way networks and databases break: cut, refused, or cut exactly when a given statement goes out.
 */
export interface TcpProxy {
  readonly port: number;
  /** `url` with its host and port replaced by the proxy's. */
  via(url: string): string;
  /** Destroys every open connection and refuses new ones (accepted, then closed at once) until `restore`. */
  cut(): void;
  /** Connections pass again, and no statement is trapped. */
  restore(): void;
  /** Until `restore`: a connection whose client sends a packet containing any of `markers` is destroyed before it is forwarded. */
  trap(...markers: string[]): void;
  /** Delays every packet in both directions by `ms` (0: none), in order, like a slow network. */
  setLatency(ms: number): void;
  /** How many connections a trap destroyed. */
  readonly trapped: number;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let refusing = false;
  let markers: Buffer[] = [];
  let trapped = 0;
  let latencyMs = 0;

  /** Forwards to `socket` after the current latency, in order: one queue per direction, drained by one timer. */
  const delayed = (socket: net.Socket) => {
    const queue: { due: number; chunk: Buffer }[] = [];
    let timer: NodeJS.Timeout | undefined;
    const drain = () => {
      timer = undefined;
      while (queue.length > 0 && queue[0].due <= Date.now()) {
        const { chunk } = queue.shift()!;
        if (socket.writable) socket.write(chunk);
      }
      if (queue.length > 0) timer = setTimeout(drain, queue[0].due - Date.now());
    };
    return (chunk: Buffer) => {
      if (latencyMs === 0 && queue.length === 0) return void socket.write(chunk);
      queue.push({ due: Date.now() + latencyMs, chunk });
      if (!timer) timer = setTimeout(drain, queue[0].due - Date.now());
    };
  };

  const server = net.createServer((client) => {
    if (refusing) return void client.destroy();
    const upstream = net.connect(target.port, target.host);
    const pair = [client, upstream];
    const destroyPair = () => pair.forEach((socket) => socket.destroy());
    for (const socket of pair) {
      open.add(socket);
      socket.on('close', () => {
        open.delete(socket);
        destroyPair();
      });
      socket.on('error', destroyPair);
    }
    const toUpstream = delayed(upstream);
    const toClient = delayed(client);
    client.on('data', (chunk: Buffer) => {
      if (markers.some((marker) => chunk.includes(marker))) {
        trapped += 1;
        return destroyPair();
      }
      toUpstream(chunk);
    });
    upstream.on('data', toClient);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    via(url) {
      const proxied = new URL(url);
      proxied.hostname = '127.0.0.1';
      proxied.port = String(port);
      return proxied.toString();
    },
    cut() {
      refusing = true;
      for (const socket of open) socket.destroy();
    },
    restore() {
      refusing = false;
      markers = [];
      latencyMs = 0;
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    trap(...texts) {
      markers = texts.map((text) => Buffer.from(text));
    },
    get trapped() {
      return trapped;
    },
    close() {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback port with nothing listening on it (connections to it are refused). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
