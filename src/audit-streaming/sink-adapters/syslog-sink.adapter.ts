import { once } from 'node:events';
import os from 'node:os';
import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { OutboundPolicyService } from '../../outbound/outbound-policy';
import { transportCause } from '../../outbound/transport-cause';
import { StreamItem } from '../stream-events';
import { DELIVERED, DeliveryResult, SinkBatch, SinkTarget, SinkAdapter, testMessage } from './sink-adapter';

/** RFC 5425's port for syslog over TLS. */
const SYSLOG_TLS_PORT = 6514;
const SEND_TIMEOUT_MS = 10_000;
/** local0: a facility for applications' own use. */
const FACILITY = 16;
const SEVERITY = { info: 6, notice: 5 } as const;
/** The structured data's id: RFC 5612's enterprise number for documentation, until Callpass has its own. */
const SD_ID = 'callpass@32473';
/** Marks the message as UTF-8 (RFC 5424 §6.4): verify-export reads the JSON after it. */
const BOM = '\uFEFF';

/** A `syslog-tls://host[:port]` URL as the https URL with the same host, so that its host is parsed (and checked) as one. */
export function syslogUrlAsHttps(url: string): string {
  return url.replace(/^syslog-tls:\/\//i, 'https://');
}

/** The collector's host and port (6514 unless given; an https URL would have dropped a given 443). */
export function syslogAddress(url: string): { hostname: string; port: number } {
  const { hostname } = new URL(syslogUrlAsHttps(url));
  const port = /:(\d+)\/?$/.exec(url)?.[1];
  return { hostname: hostname.replace(/^\[|\]$/g, ''), port: port ? Number(port) : SYSLOG_TLS_PORT };
}

/**
 * Syslog over TLS (RFC 5425) to the tenant's collector: each event and checkpoint one RFC 5424 message, with its
 * chain position in structured data and the item itself as JSON in the message, octet-counted. Syslog has no answer:
 * a batch is delivered once the stream closed cleanly; what a collector lost is what verify-export finds missing.
 */
@Injectable()
export class SyslogSinkAdapter implements SinkAdapter {
  private readonly hostname = syslogHostname(os.hostname());

  constructor(
    private readonly outbound: OutboundPolicyService,
    private readonly clock: Clock,
  ) {}

  deliver(target: SinkTarget, batch: SinkBatch): Promise<DeliveryResult> {
    return this.send(
      target,
      batch.items.map((item, index) => this.message(item, batch.lines[index])),
    );
  }

  test(target: SinkTarget): Promise<DeliveryResult> {
    const now = this.clock.now();
    return this.send(target, [this.format(SEVERITY.info, now.toISOString(), 'test', '-', JSON.stringify(testMessage(target, now)))]);
  }

  private async send(target: SinkTarget, messages: string[]): Promise<DeliveryResult> {
    const { hostname, port } = syslogAddress(target.url);
    const timeout = this.clock.timeout(SEND_TIMEOUT_MS);
    try {
      const socket = await this.outbound.connectTls(hostname, port);
      const closed = once(socket, 'close', { signal: timeout });
      const abort = () => socket.destroy();
      timeout.addEventListener('abort', abort);
      try {
        socket.end(messages.map((message) => `${Buffer.byteLength(message)} ${message}`).join(''));
        const [hadError] = (await closed) as [boolean];
        return hadError ? { delivered: false, status: null, error: 'connect' } : DELIVERED;
      } finally {
        timeout.removeEventListener('abort', abort);
        socket.destroy();
      }
    } catch (error) {
      return { delivered: false, status: null, error: transportCause(error) };
    }
  }

  private message(item: StreamItem, json: string): string {
    const at = item.type === 'checkpoint' ? item.signedAt : (eventTime(item.content) ?? this.clock.now().toISOString());
    const refused =
      item.type === 'event' && item.content !== null && ['refused', 'failed', 'failure'].includes(String(item.content.outcome));
    const data = `[${SD_ID} log="${item.log}" tenant="${item.tenantId}" seq="${item.seq}" hash="${item.hash}"]`;
    const messageId = item.type === 'checkpoint' ? 'checkpoint' : item.log === 'token_issuances' ? 'token' : 'audit';
    return this.format(refused ? SEVERITY.notice : SEVERITY.info, at, messageId, data, json);
  }

  private format(severity: number, timestamp: string, messageId: string, structuredData: string, json: string): string {
    return `<${FACILITY * 8 + severity}>1 ${timestamp} ${this.hostname} callpass - ${messageId} ${structuredData} ${BOM}${json}`;
  }
}

function eventTime(content: Record<string, unknown> | null): string | undefined {
  const at = content?.issued_at ?? content?.occurred_at;
  return at instanceof Date ? at.toISOString() : typeof at === 'string' ? at : undefined;
}

/** RFC 5424's HOSTNAME: printable ASCII without spaces, at most 255 characters, or "-". */
function syslogHostname(name: string): string {
  const printable = name.replace(/[^\x21-\x7e]/g, '').slice(0, 255);
  return printable || '-';
}
