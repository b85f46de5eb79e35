/** Shorter secrets are not matched by fragment: 8 characters of a random secret are already too many to show. */
const FRAGMENT = 8;
/** Runs of base64 this long or longer are decoded and checked too (`Basic <base64 of id:secret>` echoed back). */
const BASE64_RUN = /[A-Za-z0-9+/_-]{12,}={0,2}/g;
const REDACTED = '[redacted]';

/**
 * Removes every trace of `secrets` from `text`: each secret raw, JSON-escaped, URL-encoded (both encodings) and
 * base64-encoded, and any fragment of 8 or more characters of any of those forms; and any base64 run that decodes
 * to something containing such a fragment. What remains can be shown to a caller or written to a log.
 */
export function scrubSecrets(text: string, secrets: Iterable<string>): string {
  const fragments = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < FRAGMENT) continue;
    for (const form of encodings(secret))
      for (let at = 0; at + FRAGMENT <= form.length; at += 1) fragments.add(form.slice(at, at + FRAGMENT));
  }
  if (fragments.size === 0) return text;
  const covered = new Uint8Array(text.length);
  markFragments(text, fragments, covered);
  for (const run of text.matchAll(BASE64_RUN)) {
    if (containsFragment(decodeBase64(run[0]), fragments)) covered.fill(1, run.index, run.index + run[0].length);
  }
  return replaceCovered(text, covered);
}

function encodings(secret: string): string[] {
  return [
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('base64url'),
  ];
}

function markFragments(text: string, fragments: Set<string>, covered: Uint8Array): void {
  for (let at = 0; at + FRAGMENT <= text.length; at += 1) {
    if (fragments.has(text.slice(at, at + FRAGMENT))) covered.fill(1, at, at + FRAGMENT);
  }
}

function containsFragment(text: string, fragments: Set<string>): boolean {
  for (let at = 0; at + FRAGMENT <= text.length; at += 1) if (fragments.has(text.slice(at, at + FRAGMENT))) return true;
  return false;
}

function decodeBase64(run: string): string {
  // Every alignment: the run may start mid-way through the encoded value.
  return [0, 1, 2, 3]
    .map((skip) => Buffer.from(run.slice(skip).replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1'))
    .join('\n');
}

function replaceCovered(text: string, covered: Uint8Array): string {
  let out = '';
  for (let at = 0; at < text.length;) {
    if (!covered[at]) {
      out += text[at];
      at += 1;
      continue;
    }
    while (at < text.length && covered[at]) at += 1;
    out += REDACTED;
  }
  return out;
}
