import { applyDecorators } from '@nestjs/common';
import { IsUrl, Matches, MaxLength } from 'class-validator';

/** An http(s) URL with no credentials or fragment; the SSRF guard then decides whether Callpass may call it. */
export const IsSinkUrl = () =>
  applyDecorators(
    IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false, allow_underscores: true }),
    Matches(/^https?:\/\/[^/?#@]+(\/[^#@]*)?$/, { message: 'url must not contain credentials or a fragment' }),
    MaxLength(2048),
  );
