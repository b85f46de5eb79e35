import { SinkDeliveryService } from '../../src/audit-streaming/sink-delivery.service';
import { TestApp } from './test-app';

/** Delivery rounds until nothing more is due now; the batches delivered (bounded: a stream that never ends fails). */
export async function drainAuditStreams(t: TestApp): Promise<number> {
  const delivery = t.app.get(SinkDeliveryService);
  let batches = 0;
  for (let round = 0; round < 100; round += 1) {
    const delivered = await delivery.deliverDue();
    if (delivered === 0) return batches;
    batches += delivered;
  }
  throw new Error('the stream did not drain in 100 rounds');
}
