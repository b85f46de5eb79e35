import { invalidField } from '../common/errors/validation-errors';
import { SecretBox } from '../crypto/secret-box';
import { OutboundPolicyService } from '../outbound/outbound-policy';
import { ObjectStorageCredentialsDto } from './dto/object-storage-credentials.dto';
import { openSinkSecrets } from './sink-secrets';
import { objectStorageLocation } from './sink-adapters/object-storage-sink.adapter';
import { SinkKind, SinkTarget } from './sink-adapters/sink-adapter';
import { syslogUrlAsHttps } from './sink-adapters/syslog-sink.adapter';

/**
 * S3's bucket naming rules (path-style access), without S3 Express directory buckets (`--x-s3`, `--xa-s3`), which the
 * SDK reaches at a host made from the bucket's name whatever the path style.
 */
const BUCKET_NAME = /^(?!.*--xa?-s3$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Refuses (400, naming the field) a destination that does not fit the kind of sink, or that Callpass must not call
 * (the SSRF guard's rules; a syslog collector's host is checked as an https URL's would be).
 */
export function checkDestination(
  outbound: OutboundPolicyService,
  kind: SinkKind,
  url: string,
  options: { region?: string; credentials?: ObjectStorageCredentialsDto; credentialsStored?: boolean },
): void {
  const syslog = url.toLowerCase().startsWith('syslog-tls:');
  if (kind === 'syslog') {
    if (!syslog || !/^syslog-tls:\/\/[^/]+\/?$/i.test(url)) throw invalidField('url', 'a syslog sink’s url is syslog-tls://host[:port]');
    outbound.assertAllowed(syslogUrlAsHttps(url), 'url');
  } else {
    if (syslog) throw invalidField('url', `a ${kind} sink’s url is an https URL`);
    outbound.assertAllowed(url, 'url');
  }
  if (kind === 'object_storage') {
    if (!BUCKET_NAME.test(objectStorageLocation(url).bucket))
      throw invalidField('url', 'an object store’s url is https://endpoint/bucket[/prefix]');
    if (!options.credentials && !options.credentialsStored) throw invalidField('credentials', 'an object storage sink needs credentials');
  } else {
    if (options.credentials) throw invalidField('credentials', 'only an object storage sink takes credentials');
    if (options.region) throw invalidField('region', 'only an object storage sink takes a region');
  }
}

/** A stored sink as its adapter takes it; `audit_sink_unreadable` when its secrets cannot be decrypted. */
export function sinkTarget(
  box: SecretBox,
  sink: { id: string; tenantId: string; url: string; config: unknown; secretCiphertext: string },
): SinkTarget {
  return {
    id: sink.id,
    tenantId: sink.tenantId,
    url: sink.url,
    config: sink.config as Record<string, unknown>,
    secrets: openSinkSecrets(box, sink),
  };
}
