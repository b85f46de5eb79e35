import { applyDecorators } from '@nestjs/common';
import { IsUrl, Matches, MaxLength } from 'class-validator';

/**
 * An https URL (a webhook, an object store's bucket) or a `syslog-tls://host[:port]` collector, with no credentials
 * or fragment; the kind of sink then says which, and the SSRF guard whether Callpass may call it.
 */
export const IsSinkUrl = () =>
  applyDecorators(
    IsUrl({ protocols: ['http', 'https', 'syslog-tls'], require_protocol: true, require_tld: false, allow_underscores: true }),
    Matches(/^(https?|syslog-tls):\/\/[^/?#@]+(\/[^#@]*)?$/, { message: 'url must not contain credentials or a fragment' }),
    MaxLength(2048),
  );
