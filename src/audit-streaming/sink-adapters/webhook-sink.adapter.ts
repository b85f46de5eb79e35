import { Injectable } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';
import { request } from 'undici';
import { uuidv7 } from '../../common/ids';
import { Clock } from '../../common/clock/clock';
import { OutboundPolicyService } from '../../outbound/outbound-policy';
import { transportCause } from '../../outbound/transport-cause';
import { signingSecrets } from '../sink-secrets';
import { DeliveryResult, SinkBatch, SinkTarget, SinkAdapter, testMessage } from './sink-adapter';

const SEND_TIMEOUT_MS = 10_000;

/**
 * HTTPS POSTs of JSON signed per the Standard Webhooks specification (webhook-id, webhook-timestamp, and one
 * signature per secret that signs now), through the outbound SSRF guard, following no redirect. 2xx is delivered.
 */
@Injectable()
export class WebhookSinkAdapter implements SinkAdapter {
  constructor(
    private readonly outbound: OutboundPolicyService,
    private readonly clock: Clock,
  ) {}

  /** `{"type": "callpass.audit.batch", "timestamp", "data": {"sinkId", "items"}}`, put together from the items' JSON. */
  deliver(target: SinkTarget, batch: SinkBatch): Promise<DeliveryResult> {
    const head = JSON.stringify({ type: 'callpass.audit.batch', timestamp: this.clock.now().toISOString(), data: { sinkId: target.id } });
    return this.post(target, batch.messageId, `${head.slice(0, -2)},"items":[${batch.lines.join(',')}]}}`);
  }

  test(target: SinkTarget): Promise<DeliveryResult> {
    return this.post(target, `test_${uuidv7()}`, JSON.stringify(testMessage(target, this.clock.now())));
  }

  private async post(target: SinkTarget, messageId: string, body: string): Promise<DeliveryResult> {
    if (!this.outbound.allowsRequestTo(new URL(target.url))) return { delivered: false, status: null, error: 'not_https' };
    const timestamp = this.clock.now();
    const signature = signingSecrets(target.secrets, timestamp)
      .map((secret) => new Webhook(secret).sign(messageId, timestamp, body))
      .join(' ');
    try {
      const response = await request(target.url, {
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
