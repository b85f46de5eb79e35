import { ForbiddenAddressError } from './guarded-dispatcher';

/** Why a request to a tenant-chosen URL got no answer, as stable words. */
export type TransportCause = 'forbidden_address' | 'timeout' | 'dns' | 'tls' | 'connect';

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ENODATA', 'ESERVFAIL', 'ENOTIMP', 'EREFUSED', 'EBADNAME']);

/** What a transport error means, looking through undici's wrappers to the socket's or TLS's own error. */
export function transportCause(error: unknown): TransportCause {
  for (let current = error as (Error & { code?: string; syscall?: string; cause?: unknown }) | undefined; current;) {
    if (current instanceof ForbiddenAddressError) return 'forbidden_address';
    const code = current.code ?? '';
    if (current.name === 'TimeoutError' || current.name === 'AbortError' || TIMEOUT_CODES.has(code)) return 'timeout';
    if (DNS_CODES.has(code) || current.syscall?.startsWith('query') || current.syscall === 'getaddrinfo') return 'dns';
    if (/CERT|SELF_SIGNED|ISSUER|LEAF_SIGNATURE|^ERR_TLS|^ERR_SSL|ALTNAME/.test(code)) return 'tls';
    if (CONNECT_CODES.has(code)) return 'connect';
    current = current.cause as typeof current;
  }
  return 'connect';
}
