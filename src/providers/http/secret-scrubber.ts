/** Shorter secrets are not matched by fragment: 8 characters of a random secret are already too many to show. */
const FRAGMENT = 8;
const BASE64_RUN = /[A-Za-z0-9+/_-]{12,}={0,2}/g;
const REDACTED = '[redacted]';

/**
 * Returns a function that removes every trace of `secrets` from a text. First, each secret raw, JSON-escaped,
 * URL-encoded (both encodings), base64-encoded and hex-encoded, and any fragment of 8 or more characters of those
 * forms, is cut out where it stands, ignoring case. Then what is left is decoded every way a provider might have
 * re-encoded it (percent escapes, HTML entities, JSON escaped once or twice, base64 runs such as a quoted Basic
 * header): if a fragment still shows, the whole text goes. Fragments are compared by hash, without slicing strings: the secrets
 * are hashed once, then each text costs one pass over its windows (a hash collision can only redact too much).
 */
export function secretScrubber(secrets: Iterable<string>): (text: string) => string {
  const fragments = new Set<number>();
  for (const form of secretForms(secrets)) forEachWindow(form, (hash) => void fragments.add(hash));
  if (fragments.size === 0) return (text) => text;
  return (text) => {
    const redacted = cutFragments(text, fragments);
    let leaks = false;
    forEachWindow(decodings(redacted).join('\n').toLowerCase(), (hash) => (leaks = fragments.has(hash)));
    return leaks ? REDACTED : redacted;
  };
}

export function scrubSecrets(text: string, secrets: Iterable<string>): string {
  return secretScrubber(secrets)(text);
}

function* secretForms(secrets: Iterable<string>): Generator<string> {
  for (const secret of secrets) {
    if (secret.length < FRAGMENT) continue;
    yield* [
      secret,
      JSON.stringify(secret).slice(1, -1),
      encodeURIComponent(secret),
      new URLSearchParams({ s: secret }).toString().slice(2),
      Buffer.from(secret).toString('base64'),
      Buffer.from(secret).toString('base64url'),
      // Hex in either case (forms and texts are compared lower-cased); its 8-digit fragments are 4 bytes of the secret.
      Buffer.from(secret).toString('hex'),
    ].map((form) => form.toLowerCase());
  }
}

const P1 = 67_108_859;
const P2 = 67_108_837;
const B1 = 131;
const B2 = 137;
/** B^(FRAGMENT-1) mod P, to drop a window's first character when it rolls on. */
const TOP1 = power(B1, FRAGMENT - 1, P1);
const TOP2 = power(B2, FRAGMENT - 1, P2);

function power(base: number, exponent: number, modulus: number): number {
  let result = 1;
  for (let i = 0; i < exponent; i += 1) result = (result * base) % modulus;
  return result;
}

/**
 * Calls `visit` with a 52-bit hash of every 8-character window of `text` (two rolling polynomial hashes, each
 * below 2^26, so every step is exact in a double) and where the window starts.
 */
function forEachWindow(text: string, visit: (hash: number, at: number) => boolean | void): void {
  let a = 0;
  let b = 0;
  for (let at = 0; at < text.length; at += 1) {
    const code = text.charCodeAt(at);
    if (at >= FRAGMENT) {
      const gone = text.charCodeAt(at - FRAGMENT);
      a = (((a - gone * TOP1) % P1) + P1) % P1;
      b = (((b - gone * TOP2) % P2) + P2) % P2;
    }
    a = (a * B1 + code) % P1;
    b = (b * B2 + code) % P2;
    if (at >= FRAGMENT - 1 && visit(a * P2 + b, at - FRAGMENT + 1) === true) return;
  }
}

function cutFragments(text: string, fragments: Set<number>): string {
  const covered = new Uint8Array(text.length);
  forEachWindow(text.toLowerCase(), (hash, at) => void (fragments.has(hash) && covered.fill(1, at, at + FRAGMENT)));
  let out = '';
  for (let at = 0; at < text.length;) {
    const end = covered.indexOf(covered[at] ? 0 : 1, at);
    const stop = end < 0 ? text.length : end;
    out += covered[at] ? REDACTED : text.slice(at, stop);
    at = stop;
  }
  return out;
}

/** The text as a provider might have re-encoded what it quoted, decoded: each variant, and base64 runs in any. */
function decodings(text: string): string[] {
  const jsonOnce = unescapeJson(text);
  const variants = [text, percentDecoded(text), unescapeHtml(text), jsonOnce, unescapeJson(jsonOnce)];
  const base64 = variants.flatMap((variant) =>
    [...variant.matchAll(BASE64_RUN)].flatMap(([run]) =>
      // Every alignment: the run may start part-way through the encoded value.
      [0, 1, 2, 3].map((skip) => Buffer.from(run.slice(skip).replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1')),
    ),
  );
  return [...variants, ...base64];
}

function percentDecoded(text: string): string {
  return text.replace(/\+/g, ' ').replace(/%([0-9a-f]{2})/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function unescapeJson(text: string): string {
  return text.replace(/\\u([0-9a-f]{4})/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16))).replace(/\\(.)/g, '$1');
}

function unescapeHtml(text: string): string {
  const named: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'" };
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCharCode(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCharCode(Number(name.slice(1)));
    return named[name.toLowerCase()] ?? entity;
  });
}
