import { FetchImplementation } from 'jose';
import { request } from 'undici';
import { OutboundPolicy } from '../outbound/outbound-policy';

/** A key set is a few keys; anything much larger is not one. */
const MAX_JWKS_BYTES = 64 * 1024;

/**
 * The fetch jose uses for an issuer's JWKS: through the outbound guard (no private addresses at connect time, https
 * only unless private URLs are allowed), never following redirects (undici's request does not), with the body cut at 64 KB.
 */
export function guardedJwksFetch(outbound: OutboundPolicy): FetchImplementation {
  return async (url, options) => {
    if (!outbound.allowsRequestTo(new URL(url))) throw new Error('The JWKS URL is not one Callpass may call');
    const response = await request(url, {
      method: 'GET',
      headers: Object.fromEntries(options.headers.entries()),
      signal: options.signal,
      dispatcher: outbound.dispatcher,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_JWKS_BYTES) {
        response.body.destroy();
        throw new Error('The JWKS response is larger than 64 KB');
      }
      chunks.push(chunk);
    }
    return new Response(Buffer.concat(chunks), { status: response.statusCode === 200 ? 200 : 502 });
  };
}
