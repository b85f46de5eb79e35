/**
 * Finds canaries in text in any encoding a service might let slip: raw, JSON-escaped, URL-encoded, base64, and
 * inside any base64 run (a Basic header of `id:secret`), down to fragments. Written apart from the service's own
 * scrubber, so that the test does not share its mistakes.
 */
export function findLeaks(haystack: string, canaries: string[]): string[] {
  const decoded = [...haystack.matchAll(/[A-Za-z0-9+/_-]{12,}=*/g)]
    .flatMap(([run]) =>
      [0, 1, 2, 3].map((skip) => Buffer.from(run.slice(skip).replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1')),
    )
    .join('\n');
  // Fragment → canary, per fragment length. Fragments of hex secrets are longer: 8 hex digits turn up by chance in ids.
  const pieces = new Map<number, Map<string, string>>();
  for (const canary of canaries) {
    const length = /^[0-9a-f]+$/i.test(canary) ? 12 : 8;
    const byPiece = pieces.get(length) ?? new Map<string, string>();
    pieces.set(length, byPiece);
    for (const form of encodings(canary))
      for (let at = 0; at + length <= form.length; at += 1) byPiece.set(form.slice(at, at + length), canary);
  }
  const leaked = new Set<string>();
  for (const text of [haystack, decoded]) {
    for (const [length, byPiece] of pieces) {
      for (let at = 0; at + length <= text.length; at += 1) {
        const canary = byPiece.get(text.slice(at, at + length));
        if (canary) leaked.add(canary);
      }
    }
  }
  return [...leaked];
}

function encodings(canary: string): string[] {
  return [
    canary,
    JSON.stringify(canary).slice(1, -1),
    encodeURIComponent(canary),
    new URLSearchParams({ c: canary }).toString().slice(2),
    Buffer.from(canary).toString('base64'),
    Buffer.from(canary).toString('base64url'),
  ];
}

/** Stored rows as one text to search (the audit chain's positions are bigints, which JSON.stringify refuses). */
export function rowsAsText(rows: unknown): string {
  return JSON.stringify(rows, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}
