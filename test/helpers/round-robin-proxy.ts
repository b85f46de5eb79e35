import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A load balancer for tests: each request goes to the next replica in turn. */
export interface RoundRobinProxy {
  url: string;
  /** Requests each replica was sent, in the order of the backends. */
  counts: number[];
  /** Replaces the replicas (after a restart moved one to another port). */
  setBackends(urls: string[]): void;
  /**
   * Resolves once no request is under way to `url` (a load balancer's deregistration delay): a replica taken out of
   * the list may still be answering requests sent to it just before.
   */
  drained(url: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection, not the message, so a proxy drops them. Passing on a
 * replica's `Keep-Alive: timeout=72` told the client it could reuse its connection to the proxy for 72 s, while the
 * proxy closes idle connections after 5 s: a request sent as that happened failed with "fetch failed".
 */
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function endToEnd(headers: http.IncomingHttpHeaders): http.IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !hopByHop.has(name)));
}

/**
 * Like a real load balancer, a request whose connection a replica refuses (it is restarting) goes to the next one:
 * it never reached the replica, so sending it elsewhere is safe.
 */
export async function startRoundRobinProxy(initial: string[]): Promise<RoundRobinProxy> {
  // A connection per request: a pooled one could be closed by a draining replica just as a request goes out on it.
  const agent = new http.Agent({ keepAlive: false });
  let backends = [...initial];
  const counts = backends.map(() => 0);
  let next = 0;
  const inFlight = new Map<string, number>();
  const waitingForIdle = new Map<string, (() => void)[]>();

  /** Counts a request to `url` until `done` is called (once). */
  const track = (url: string) => {
    inFlight.set(url, (inFlight.get(url) ?? 0) + 1);
    let finished = false;
    return () => {
      if (finished) return;
      finished = true;
      const left = inFlight.get(url)! - 1;
      inFlight.set(url, left);
      if (left > 0) return;
      for (const resolve of waitingForIdle.get(url) ?? []) resolve();
      waitingForIdle.delete(url);
    };
  };

  /** Sends to backend `index`; on a refused connection, to the ones after it, each once. */
  const forward = (request: http.IncomingMessage, body: Buffer, response: http.ServerResponse, index: number, triesLeft: number) => {
    counts[index] += 1;
    const done = track(backends[index]);
    const upstream = http.request(
      new URL(request.url ?? '/', backends[index]),
      { method: request.method, headers: endToEnd(request.headers), agent },
      (answer) => {
        answer.on('close', done);
        response.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        answer.pipe(response);
      },
    );
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      done();
      if (error.code === 'ECONNREFUSED' && triesLeft > 1)
        return forward(request, body, response, (index + 1) % backends.length, triesLeft - 1);
      if (!response.headersSent) response.writeHead(502);
      response.end();
    });
    upstream.end(body);
  };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      // The list may have shrunk since `next` was moved on.
      const index = next % backends.length;
      next = (index + 1) % backends.length;
      forward(request, Buffer.concat(chunks), response, index, backends.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    setBackends(urls) {
      backends = [...urls];
    },
    drained: (url) =>
      new Promise((resolve) => {
        if (!inFlight.get(url)) return resolve();
        waitingForIdle.set(url, [...(waitingForIdle.get(url) ?? []), resolve]);
      }),
    close: () =>
      new Promise((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
