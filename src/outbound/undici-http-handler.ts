import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { cappedStream } from './read-capped';

/** The AWS SDK's request and response, as far as this handler uses them (structurally @smithy/protocol-http's). */
interface SdkHttpRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}
interface SdkHttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Readable;
}

/** Headers undici refuses to be given (it frames the body itself, and has no 100-continue). */
const DROPPED_HEADERS = new Set(['expect', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade']);

/**
 * The AWS SDK's HTTP handler on an undici dispatcher: S3 requests to a tenant's object store go through the outbound
 * SSRF guard like every other request to a tenant-chosen host (the SDK's own handler opens sockets itself).
 */
export class UndiciHttpHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };

  /** `maxResponseBytes`: a tenant's server must not be able to fill Callpass's memory with an answer. */
  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly timeoutMs: number,
    private readonly maxResponseBytes: number,
  ) {}

  async handle(
    sdkRequest: SdkHttpRequest,
    options: { abortSignal?: AbortSignal | { aborted: boolean } } = {},
  ): Promise<{ response: SdkHttpResponse }> {
    const query = queryString(sdkRequest.query);
    const headers = Object.fromEntries(Object.entries(sdkRequest.headers).filter(([name]) => !DROPPED_HEADERS.has(name.toLowerCase())));
    const response = await this.dispatcher.request({
      // Origin and path as they are: a URL would resolve `..` in a key and break the request's signature.
      origin: `${sdkRequest.protocol}//${sdkRequest.hostname}${sdkRequest.port ? `:${sdkRequest.port}` : ''}`,
      path: `${sdkRequest.path}${query ? `?${query}` : ''}`,
      method: sdkRequest.method,
      headers,
      body: sdkRequest.method === 'GET' || sdkRequest.method === 'HEAD' ? undefined : bodyOf(sdkRequest.body),
      signal: options.abortSignal instanceof AbortSignal ? options.abortSignal : undefined,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
    const responseHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) responseHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    return {
      response: { statusCode: response.statusCode, headers: responseHeaders, body: cappedStream(response.body, this.maxResponseBytes) },
    };
  }

  /** The dispatcher is shared by every outbound request: destroying a client must not close it. */
  destroy(): void {}
  updateHttpClientConfig(): void {}
  httpHandlerConfigs(): Record<string, never> {
    return {};
  }
}

function queryString(query: SdkHttpRequest['query']): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const parts: string[] = [];
  for (const key of Object.keys(query ?? {}).sort()) {
    const value = query![key];
    if (value === null) parts.push(encode(key));
    else for (const item of Array.isArray(value) ? value : [value]) parts.push(`${encode(key)}=${encode(item)}`);
  }
  return parts.join('&');
}

function bodyOf(body: unknown): string | Uint8Array | Readable | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  return body as Readable;
}
