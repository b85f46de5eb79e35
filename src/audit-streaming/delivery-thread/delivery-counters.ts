import type { Counter } from 'prom-client';
import type { MetricsService } from '../../metrics/metrics';

/** The delivery thread's counters, as it reports them to the thread serving /metrics. */
export interface DeliveryCounters {
  batches: CounterValue[];
  events: CounterValue[];
}

interface CounterValue {
  labels: Partial<Record<string, string | number>>;
  value: number;
}

export async function readDeliveryCounters(metrics: MetricsService): Promise<DeliveryCounters> {
  const [batches, events] = await Promise.all([metrics.auditStreamBatches.get(), metrics.auditStreamEvents.get()]);
  return { batches: batches.values, events: events.values };
}

/** Adds what the thread counted since its last report to this thread's counters. */
export class DeliveryCountersRelay {
  private readonly reported = new Map<string, number>();

  constructor(private readonly metrics: MetricsService) {}

  add(counters: DeliveryCounters): void {
    this.addTo(this.metrics.auditStreamBatches, 'batches', counters.batches);
    this.addTo(this.metrics.auditStreamEvents, 'events', counters.events);
  }

  /** A new thread counts from 0 again. */
  restart(): void {
    this.reported.clear();
  }

  private addTo(counter: Counter, name: string, values: CounterValue[]): void {
    for (const { labels, value } of values) {
      const key = `${name} ${JSON.stringify(labels)}`;
      const added = value - (this.reported.get(key) ?? 0);
      this.reported.set(key, value);
      if (added > 0) counter.inc(labels, added);
    }
  }
}
