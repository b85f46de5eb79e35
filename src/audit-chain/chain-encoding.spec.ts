import { canonicalJson, linkHash } from './chain-encoding';

describe('canonical encoding of chained rows', () => {
  it('sorts keys at every depth, leaves out keys with no value, and writes dates in UTC with milliseconds', () => {
    expect(canonicalJson([{ b: 1, a: { d: undefined, c: [new Date('2026-11-30T10:00:00Z')] } }, undefined, 7n])).toBe(
      '[{"a":{"c":["2026-11-30T10:00:00.000Z"]},"b":1},null,"7"]',
    );
  });

  it('encodes an unpaired surrogate as the database stores it (U+FFFD), and keeps pairs', () => {
    expect(canonicalJson(['a\ud800b', '\ud83d\ude00'])).toBe(JSON.stringify(['a\ufffdb', '\ud83d\ude00']));
  });

  it('links a row to the one before it: any change of the previous hash, chain, position or content changes it', () => {
    const base = linkHash('0'.repeat(64), 'chain', 1n, ['x']);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(
      new Set([
        base,
        linkHash('1'.repeat(64), 'chain', 1n, ['x']),
        linkHash('0'.repeat(64), 'other', 1n, ['x']),
        linkHash('0'.repeat(64), 'chain', 2n, ['x']),
        linkHash('0'.repeat(64), 'chain', 1n, ['y']),
      ]).size,
    ).toBe(5);
  });
});
