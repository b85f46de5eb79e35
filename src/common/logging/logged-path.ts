/** A request's path without its query string, which may carry something secret: what logs may show. */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/**
 * A path segment shaped like a credential: a Callpass key or session, or a JWT. Sent there by mistake (a key pasted
 * into a URL), it must not reach the log; query strings are left out of the log already.
 */
const CREDENTIAL_SEGMENT = /(?<=\/)(?:cp_[a-z]+_[^/]{8,}|[\w-]{8,}(?:\.|%2e)[\w-]{8,}(?:\.|%2e)[\w-]*)(?=\/|$)/gi;

/** The path as the request log shows it: without the query, and with credential-shaped segments replaced. */
export function loggedPathOf(url: string): string {
  return pathOf(url).replace(CREDENTIAL_SEGMENT, '[redacted]');
}
