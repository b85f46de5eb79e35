import { Injectable } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';
import { request } from 'undici';
import { Clock } from '../common/clock/clock';
import { OutboundPolicyService } from '../outbound/outbound-policy';
import { transportCause, TransportCause } from '../outbound/transport-cause';

const SEND_TIMEOUT_MS = 10_000;

/** How a delivery went: delivered on a 2xx; otherwise the receiver's status or why it could not be reached. */
export interface DeliveryResult {
  delivered: boolean;
  status: number | null;
  error: 'receiver_status' | 'not_https' | TransportCause | null;
}

/**
 * POSTs one JSON message signed per the Standard Webhooks specification (webhook-id, webhook-timestamp, and one
 * signature per secret that signs now), through the outbound SSRF guard, following no redirect.
 */
@Injectable()
export class WebhookSender {
  constructor(
    private readonly outbound: OutboundPolicyService,
    private readonly clock: Clock,
  ) {}

  async send(url: string, secrets: string[], messageId: string, message: object): Promise<DeliveryResult> {
    if (!this.outbound.allowsRequestTo(new URL(url))) return { delivered: false, status: null, error: 'not_https' };
    const body = JSON.stringify(message);
    const timestamp = this.clock.now();
    const signature = secrets.map((secret) => new Webhook(secret).sign(messageId, timestamp, body)).join(' ');
    try {
      const response = await request(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Callpass-Audit-Stream/1',
          'webhook-id': messageId,
          'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body,
        signal: this.clock.timeout(SEND_TIMEOUT_MS),
        dispatcher: this.outbound.dispatcher,
      });
      await response.body.dump().catch(() => undefined);
      const delivered = response.statusCode >= 200 && response.statusCode < 300;
      return { delivered, status: response.statusCode, error: delivered ? null : 'receiver_status' };
    } catch (error) {
      return { delivered: false, status: null, error: transportCause(error) };
    }
  }
}
