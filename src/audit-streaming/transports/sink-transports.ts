import { Injectable } from '@nestjs/common';
import { ObjectStorageTransport } from './object-storage-transport';
import { SinkKind, SinkTransport } from './sink-transport';
import { SyslogTransport } from './syslog-transport';
import { WebhookTransport } from './webhook-transport';

/** The transport of each kind of sink. */
@Injectable()
export class SinkTransports {
  private readonly byKind: Record<SinkKind, SinkTransport>;

  constructor(webhook: WebhookTransport, syslog: SyslogTransport, objectStorage: ObjectStorageTransport) {
    this.byKind = { webhook, syslog, object_storage: objectStorage };
  }

  of(kind: string): SinkTransport {
    return this.byKind[kind as SinkKind];
  }
}
