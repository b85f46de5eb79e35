import { Injectable } from '@nestjs/common';
import { ObjectStorageSinkAdapter } from './object-storage-sink.adapter';
import { SinkKind, SinkAdapter } from './sink-adapter';
import { SyslogSinkAdapter } from './syslog-sink.adapter';
import { WebhookSinkAdapter } from './webhook-sink.adapter';

/** The adapter of each kind of sink. */
@Injectable()
export class SinkAdapterRegistry {
  private readonly byKind: Record<SinkKind, SinkAdapter>;

  constructor(webhook: WebhookSinkAdapter, syslog: SyslogSinkAdapter, objectStorage: ObjectStorageSinkAdapter) {
    this.byKind = { webhook, syslog, object_storage: objectStorage };
  }

  of(kind: string): SinkAdapter {
    return this.byKind[kind as SinkKind];
  }
}
