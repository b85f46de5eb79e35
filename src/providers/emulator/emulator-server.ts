import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface EmulatorRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  rawBody: string;
  /** JSON or form body, parsed by content type; undefined when neither. */
  body: unknown;
  /** Credentials of a Basic or Bearer Authorization header. */
  basic?: { username: string; password: string };
  bearer?: string;
}

export interface EmulatorReply {
  status: number;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is, for answers that are not JSON (give the content type in `headers`). */
  text?: string;
  headers?: Record<string, string>;
}

export type EmulatorHandler = (request: EmulatorRequest, params: Record<string, string>) => EmulatorReply | Promise<EmulatorReply>;

/**
 * What the next requests suffer: a status (with an optional body), an error that quotes the request back (its
 * Authorization header and body, in every error field the providers use, `repeat` times), a 429 with Retry-After,
 * a garbage JSON body, a response that is not valid HTTP, or no answer at all.
 */
export type Fault =
  | { kind: 'status'; status: number; body?: unknown; text?: string; headers?: Record<string, string> }
  | { kind: 'echo'; status: number; repeat?: number }
  | { kind: 'rate_limit'; retryAfterSeconds: number }
  | { kind: 'garbage' }
  | { kind: 'malformed_http' }
  | { kind: 'hang' };

/** The request log keeps this many; older ones are dropped (the sandbox may run for days). */
const MAX_LOGGED_REQUESTS = 10_000;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: EmulatorHandler;
}

/** Requests held back until the test releases them (see `hold`). */
export interface Hold {
  /** Resolves once this many of the held requests have arrived (all of them by default). */
  arrived(count?: number): Promise<void>;
  release(): void;
}

/**
 * A provider's API on loopback, for tests and the sandbox. Routes are `/path/:param` patterns; a trailing slash is
 * optional on every route. Tests read `requests` to assert exactly what Callpass sent, switch faults on with
 * `failNext`/`latencyMs` (in process) or `POST /__emulator/faults` (over HTTP, for the sandbox), and make requests
 * overlap for certain with `hold` and `received` (barriers, not delays).
 */
export class EmulatorServer {
  readonly requests: EmulatorRequest[] = [];
  latencyMs = 0;
  /** Requests received so far (control calls aside); unlike `requests`, never trimmed. */
  receivedCount = 0;
  private readonly routes: Route[] = [];
  private readonly faults: Fault[] = [];
  private readonly hanging = new Set<ServerResponse>();
  private readonly holds: { remaining: number; arrivals: number; released: Promise<void>; release: () => void; waiters: (() => void)[] }[] =
    [];
  private receivedWaiters: (() => void)[] = [];
  private server?: Server;

  constructor(readonly name: string) {
    this.route('POST', '/__emulator/faults', (request) => {
      const { count = 1, fault, latencyMs } = (request.body ?? {}) as { count?: number; fault?: Fault; latencyMs?: number };
      if (fault) this.failNext(count, fault);
      if (typeof latencyMs === 'number') this.latencyMs = latencyMs;
      return { status: 204 };
    });
  }

  route(method: string, path: string, handler: EmulatorHandler): this {
    const names: string[] = [];
    const pattern = new RegExp(
      `^${path.replace(/\/$/, '').replace(/:([A-Za-z]+)/g, (_match, name: string) => {
        names.push(name);
        return '([^/]+)';
      })}/?$`,
    );
    this.routes.push({ method, pattern, names, handler });
    return this;
  }

  failNext(count: number, fault: Fault): void {
    for (let i = 0; i < count; i += 1) this.faults.push(fault);
  }

  /** Requests to one route, ignoring the emulator's own control calls. */
  requestsTo(method: string, pathPattern: RegExp): EmulatorRequest[] {
    return this.requests.filter((request) => request.method === method && pathPattern.test(request.path));
  }

  /** Holds the next `count` requests back, once received and logged, until `release()`. */
  hold(count: number): Hold {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const hold = { remaining: count, arrivals: 0, released, release, waiters: [] as (() => void)[] };
    this.holds.push(hold);
    return {
      arrived: (wanted = count) =>
        new Promise<void>((resolve) => {
          const check = () => (hold.arrivals >= wanted ? resolve() : hold.waiters.push(check));
          check();
        }),
      release,
    };
  }

  /** Resolves once `total` requests have been received in all (see `receivedCount`). */
  received(total: number): Promise<void> {
    return new Promise((resolve) => {
      const check = () => (this.receivedCount >= total ? resolve() : this.receivedWaiters.push(check));
      check();
    });
  }

  /** Drops faults still queued (and latency), e.g. ones a circuit breaker kept from being used. */
  clearFaults(): void {
    this.faults.length = 0;
    this.latencyMs = 0;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((request, response) => {
      // A bad request (e.g. undecodable %-escapes) or a handler bug answers 400/500; it must not end the process.
      this.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) send(response, { status: error instanceof URIError ? 400 : 500, body: { error: String(error) } });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    return this.url;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error(`${this.name} emulator is not listening`);
    return `http://127.0.0.1:${address.port}`;
  }

  async close(): Promise<void> {
    for (const hold of this.holds) hold.release();
    for (const response of this.hanging) response.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const request = await readRequest(incoming);
    const isControl = request.path.startsWith('/__emulator/');
    if (!isControl) {
      this.requests.push(request);
      if (this.requests.length > MAX_LOGGED_REQUESTS) this.requests.shift();
      this.receivedCount += 1;
      for (const waiter of this.receivedWaiters.splice(0)) waiter();
      const hold = this.holds.find((candidate) => candidate.remaining > 0);
      if (hold) {
        hold.remaining -= 1;
        hold.arrivals += 1;
        for (const waiter of hold.waiters.splice(0)) waiter();
        await hold.released;
      }
    }
    if (!isControl && this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));

    const fault = isControl ? undefined : this.faults.shift();
    if (fault?.kind === 'hang') {
      this.hanging.add(response);
      return;
    }
    if (fault?.kind === 'garbage')
      return send(response, { status: 200, headers: { 'content-type': 'application/json' } }, '{"truncated": [1, 2');
    if (fault?.kind === 'malformed_http') return void response.socket?.end('HTTP/1.1 200 OK\r\nContent-Length: many\r\n\r\n{}');
    if (fault?.kind === 'rate_limit') {
      return send(response, { status: 429, headers: { 'retry-after': String(fault.retryAfterSeconds) }, body: { error: 'rate limited' } });
    }
    if (fault?.kind === 'echo') return send(response, { status: fault.status, body: echoBody(request, fault.repeat ?? 1) });
    if (fault?.kind === 'status') {
      const body = fault.body ?? (fault.text === undefined ? { error: `emulated ${fault.status}` } : undefined);
      return send(response, { status: fault.status, headers: fault.headers, body }, fault.text);
    }

    const matching = this.routes.filter((route) => route.pattern.test(request.path));
    const route = matching.find((candidate) => candidate.method === request.method);
    if (!route)
      return send(
        response,
        matching.length ? { status: 405, body: { error: 'method not allowed' } } : { status: 404, body: { error: 'not found' } },
      );
    const match = route.pattern.exec(request.path)!;
    const params = Object.fromEntries(route.names.map((name, index) => [name, decodeURIComponent(match[index + 1])]));
    const reply = await route.handler(request, params);
    send(response, reply, reply.text);
  }
}

async function readRequest(incoming: IncomingMessage): Promise<EmulatorRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const rawBody = Buffer.concat(chunks).toString('utf8');
  const url = new URL(incoming.url ?? '/', 'http://emulator');
  const contentType = incoming.headers['content-type'] ?? '';
  let body: unknown;
  if (contentType.startsWith('application/json')) {
    try {
      body = JSON.parse(rawBody);
    } catch {
      body = undefined;
    }
  } else if (contentType.startsWith('application/x-www-form-urlencoded')) {
    body = Object.fromEntries(new URLSearchParams(rawBody));
  }
  const authorization = incoming.headers.authorization ?? '';
  const [scheme, credentials = ''] = authorization.split(' ');
  let basic: EmulatorRequest['basic'];
  if (scheme === 'Basic') {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    basic = separator < 0 ? undefined : { username: decoded.slice(0, separator), password: decoded.slice(separator + 1) };
  }
  return {
    method: incoming.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    headers: incoming.headers,
    rawBody,
    body,
    basic,
    bearer: scheme === 'Bearer' ? credentials : undefined,
  };
}

/**
 * An error body that repeats the request in every field an adapter reads, each re-encoded another way: inside an
 * object, as the credentials' own base64url, as JSON escaped twice, percent-encoded in lower case, in upper case.
 */
function echoBody(request: EmulatorRequest, repeat: number): Record<string, unknown> {
  const echoed = `echo ${request.headers.authorization ?? ''} ${request.rawBody}`.repeat(repeat);
  const credentials = request.basic
    ? Buffer.from(`${request.basic.username}:${request.basic.password}`).toString('base64url')
    : (request.bearer ?? '');
  return {
    // A problem document's own field (RFC 9457, as Vonage answers), then the other providers' shapes.
    detail: echoed,
    error: { detail: echoed },
    error_description: `${credentials} ${JSON.stringify(JSON.stringify(request.rawBody))}`,
    errors: [{ code: echoed.toUpperCase(), message: { echoed }, attribute: encodeURIComponent(echoed).toLowerCase() }],
  };
}

function send(response: ServerResponse, reply: EmulatorReply, rawBody?: string): void {
  const body = rawBody ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
  response.writeHead(reply.status, { ...(body && !rawBody ? { 'content-type': 'application/json' } : {}), ...reply.headers });
  response.end(body);
}
