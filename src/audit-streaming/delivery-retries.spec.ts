import { pauseReason, retryDelayMs, RETRY_FOR_MS } from './delivery-retries';

describe('retryDelayMs', () => {
  it('doubles from about a second, jittered between half and all of it, up to five minutes', () => {
    expect(RETRY_FOR_MS).toBe(24 * 3600_000);
    expect([1, 2, 3, 4].map((attempts) => retryDelayMs(attempts, () => 1))).toEqual([1000, 2000, 4000, 8000]);
    expect([1, 2, 3, 4].map((attempts) => retryDelayMs(attempts, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect(retryDelayMs(9, () => 1)).toBe(256_000);
    expect(retryDelayMs(10, () => 1)).toBe(300_000);
    expect(retryDelayMs(1000, () => 0)).toBe(150_000);
  });
});

describe('pauseReason', () => {
  const since = new Date('2026-12-07T00:00:00Z');
  const at = (ms: number) => new Date(since.getTime() + ms);

  it('pauses on the fifth refusal in a row (a 4xx other than 408 and 429), not before', () => {
    expect(pauseReason(404, 4, since, at(1000))).toBeUndefined();
    expect(pauseReason(404, 5, since, at(1000))).toBe('receiver_refused');
    expect(pauseReason(401, 5, since, at(1000))).toBe('receiver_refused');
  });

  it('keeps trying 408, 429, 5xx and unreachable receivers until 24 hours of failures', () => {
    for (const status of [408, 429, 500, 503, null]) {
      expect(pauseReason(status, 50, since, at(RETRY_FOR_MS - 1))).toBeUndefined();
      expect(pauseReason(status, 50, since, at(RETRY_FOR_MS))).toBe('retries_exhausted');
    }
  });
});
