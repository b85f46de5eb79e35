import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedRequest {
  headers: Record<string, string>;
  body: string;
  /** The status the receiver answered with. */
  status: number;
}

/**
 * A tenant's webhook endpoint on loopback: records every request and answers as told (`answer`), and can be stopped
 * and started again on the same port (a receiver that is down for a while).
 */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  /** The status the next requests get; `once` answers the next one only, then goes back to 200. */
  answer: number = 200;
  /** Keeps requests unanswered (taken, as a receiver whose answer never got back would have), until `release`. */
  hold = false;
  private readonly held: http.ServerResponse[] = [];
  private once?: number;
  private server?: http.Server;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/callpass`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const status = this.once ?? this.answer;
        this.once = undefined;
        this.requests.push({ headers: request.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8'), status });
        if (this.hold) this.held.push(response);
        else response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    this.release();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Answers from now on, and cuts the requests it held (their senders never get an answer). */
  release(): void {
    this.hold = false;
    for (const response of this.held.splice(0)) response.destroy();
  }

  /** Drops what it received so far. */
  forget(): void {
    this.requests.splice(0);
  }

  /** Answers the next request with `status` (a receiver that stored a batch but whose answer was lost). */
  answerOnce(status: number): void {
    this.once = status;
  }

  /** The bodies it accepted (2xx), each checked with the official Standard Webhooks library; throws on a bad signature. */
  accepted(secret: string): Record<string, unknown>[] {
    const webhook = new Webhook(secret);
    return this.requests
      .filter((request) => request.status < 300)
      .map((request) => webhook.verify(request.body, request.headers) as Record<string, unknown>);
  }

  /**
   * The receiver's idempotent store: the stream's items from accepted batches, each event id kept once (in the
   * order first received), with how many arrived again.
   */
  store(secret: string): { items: StoredItem[]; repeats: number; lines: string[] } {
    const seen = new Set<string>();
    const items: StoredItem[] = [];
    let repeats = 0;
    const lines: string[] = [];
    for (const body of this.accepted(secret)) {
      if (body.type !== 'callpass.audit.batch') continue;
      lines.push(JSON.stringify(body));
      for (const item of (body.data as { items: StoredItem[] }).items) {
        if (item.type !== 'event') continue;
        if (seen.has(item.id!)) repeats += 1;
        else {
          seen.add(item.id!);
          items.push(item);
        }
      }
    }
    return { items, repeats, lines };
  }
}

export interface StoredItem {
  type: 'event' | 'checkpoint';
  id?: string;
  log: string;
  tenantId: string;
  seq: string;
  prev?: string;
  hash: string;
  elided?: boolean;
  content?: Record<string, unknown> | null;
}
