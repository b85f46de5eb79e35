import { isUuid } from '../../common/ids';
import { decodeJwt } from '../jwt';
import { providerErrors } from '../providers.errors';

/** Far longer than a login token (about 600 bytes): a longer answer is broken or hostile. */
const MAX_TOKEN_LENGTH = 8192;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** A year: far beyond any lifetime Telnyx documents (24 h; 28 days in an example), yet a date that can be stored. */
const MAX_LIFETIME_MS = 366 * 86_400_000;

export interface LoginToken {
  token: string;
  expiresAt: Date;
  /** The token's `jti`, when it is a UUID as in Telnyx's example. */
  tokenId?: string;
}

/**
 * Reads the body of Telnyx's token answer (telnyx.md §3, §4): a bare JWT. Its lifetime is read from it, never assumed:
 * the docs say 24 h, the spec's example lives 28 days, and a credential expiring sooner cuts it short.
 */
export function readLoginToken(text: string, now: Date): LoginToken {
  const token = text.trim();
  if (token.length > MAX_TOKEN_LENGTH) throw badToken({ tooLong: 'token' });
  const payload = COMPACT_JWS.test(token) ? decodeJwt(token)?.payload : undefined;
  if (typeof payload !== 'object' || payload === null) throw badToken({ invalid: 'token' });
  const { exp, iat, jti } = payload;
  if (typeof exp !== 'number' || !(exp * 1000 > now.getTime() && exp * 1000 <= now.getTime() + MAX_LIFETIME_MS)) {
    throw badToken({ invalid: 'exp' });
  }
  // iat and exp come from Telnyx's clock. Counted from Callpass's own clock, the token lives exp − iat: were it read as
  // exp alone, a Telnyx clock a little ahead (or a second ticking over during the call) would make a 24 h token look
  // longer than 24 h, and the policy would refuse it. Never past exp either way.
  const lifetimeMs = typeof iat === 'number' && iat < exp ? (exp - iat) * 1000 : Infinity;
  return {
    token,
    expiresAt: new Date(Math.min(exp * 1000, now.getTime() + lifetimeMs)),
    tokenId: typeof jti === 'string' && isUuid(jti) ? jti : undefined,
  };
}

function badToken(details: Record<string, string>) {
  return providerErrors.provider_bad_response({ provider: 'telnyx', ...details });
}
