import { applyDecorators } from '@nestjs/common';
import { IsUrl, Matches, MaxLength } from 'class-validator';

/**
 * An http(s) origin with an optional path: where this account's provider API lives (a regional host,
 * the sandbox emulators, a test's fake server). No credentials, query or fragment.
 */
export const IsProviderBaseUrl = () =>
  applyDecorators(
    IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false, allow_underscores: true }),
    Matches(/^https?:\/\/[^/?#@]+(\/[^?#@]*)?$/, { message: 'baseUrl must not contain credentials, a query or a fragment' }),
    MaxLength(2048),
  );
