import { gzipSync } from 'node:zlib';
import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { OutboundPolicyService } from '../../outbound/outbound-policy';
import { transportCause } from '../../outbound/transport-cause';
import { UndiciHttpHandler } from '../../outbound/undici-http-handler';
import { DELIVERED, DeliveryResult, SinkBatch, SinkTarget, SinkAdapter, testMessage } from './sink-adapter';

const SEND_TIMEOUT_MS = 30_000;
/** A put's answer is a few hundred bytes of XML at most. */
const MAX_ANSWER_BYTES = 64 * 1024;
export const DEFAULT_REGION = 'us-east-1';
/** Chain positions zero-padded in object keys, so that keys sort in chain order. */
const SEQ_DIGITS = 20;

/** `https://endpoint/bucket[/prefix]`: where the object store is, the bucket, and a key prefix ending in "/" (or ""). */
export function objectStorageLocation(url: string): { endpoint: string; bucket: string; prefix: string } {
  const parsed = new URL(url);
  const [bucket = '', ...prefix] = parsed.pathname.split('/').filter(Boolean);
  return { endpoint: parsed.origin, bucket, prefix: prefix.map((part) => `${part}/`).join('') };
}

/**
 * NDJSON batches, gzipped, put into an S3-compatible bucket with the AWS SDK over the outbound SSRF guard, one object
 * per batch keyed by tenant, log and chain range (`<prefix><tenant>/<log>/<first>-<last>.ndjson.gz`): a batch sent
 * again overwrites its own object. The SDK does not retry: failures back off like every sink's.
 */
@Injectable()
export class ObjectStorageSinkAdapter implements SinkAdapter {
  constructor(
    private readonly outbound: OutboundPolicyService,
    private readonly clock: Clock,
  ) {}

  deliver(target: SinkTarget, batch: SinkBatch): Promise<DeliveryResult> {
    const range = `${batch.firstSeq.padStart(SEQ_DIGITS, '0')}-${batch.lastSeq.padStart(SEQ_DIGITS, '0')}`;
    const body = gzipSync(`${batch.lines.join('\n')}\n`);
    return this.put(target, `${target.tenantId}/${batch.log}/${range}.ndjson.gz`, body, {
      'content-type': 'application/x-ndjson',
      encoding: 'gzip',
    });
  }

  test(target: SinkTarget): Promise<DeliveryResult> {
    return this.put(target, `${target.tenantId}/callpass-test.json`, Buffer.from(JSON.stringify(testMessage(target, this.clock.now()))), {
      'content-type': 'application/json',
    });
  }

  private async put(
    target: SinkTarget,
    key: string,
    body: Buffer,
    type: { 'content-type': string; encoding?: string },
  ): Promise<DeliveryResult> {
    if (!this.outbound.allowsRequestTo(new URL(target.url))) return { delivered: false, status: null, error: 'not_https' };
    const { endpoint, bucket, prefix } = objectStorageLocation(target.url);
    // Loaded when first used: the SDK is large, and most deployments stream to no bucket.
    const { PutObjectCommand, S3Client, S3ServiceException } = await import('@aws-sdk/client-s3');
    const client = new S3Client({
      endpoint,
      region: typeof target.config.region === 'string' ? target.config.region : DEFAULT_REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: target.secrets.accessKeyId ?? '', secretAccessKey: target.secrets.secretAccessKey ?? '' },
      requestHandler: new UndiciHttpHandler(this.outbound.dispatcher, SEND_TIMEOUT_MS, MAX_ANSWER_BYTES),
      maxAttempts: 1,
      // Checksum headers only where S3 requires them: several S3-compatible stores refuse them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    try {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `${prefix}${key}`,
          Body: body,
          ContentType: type['content-type'],
          ContentEncoding: type.encoding,
        }),
        { abortSignal: this.clock.timeout(SEND_TIMEOUT_MS) },
      );
      return DELIVERED;
    } catch (error) {
      const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
      if (status !== undefined) return { delivered: false, status, error: 'receiver_status' };
      return { delivered: false, status: null, error: transportCause(error) };
    } finally {
      client.destroy();
    }
  }
}
