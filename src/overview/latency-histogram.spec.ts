import { bucketOf, emptyHistogram, LATENCY_BOUNDS_MS, quantile } from './latency-histogram';

describe('latency histogram', () => {
  it('puts a duration in the first bucket whose bound it does not exceed, and beyond the last in the overflow', () => {
    expect([0, 5, 5.1, 10, 99, 5000, 5001].map(bucketOf)).toEqual([0, 0, 1, 1, 4, 9, 10]);
    expect(emptyHistogram()).toHaveLength(LATENCY_BOUNDS_MS.length + 1);
  });

  it('reads quantiles interpolated within their bucket; none from an empty histogram', () => {
    const histogram = emptyHistogram();
    histogram[2] = 50; // 10-25 ms
    histogram[3] = 50; // 25-50 ms
    expect(quantile(histogram, 0.5)).toBe(25);
    expect(quantile(histogram, 0.25)).toBe(17.5);
    expect(quantile(histogram, 0.95)).toBe(47.5);
    expect(quantile(emptyHistogram(), 0.5)).toBeNull();
    const slow = emptyHistogram();
    slow[10] = 3;
    expect(quantile(slow, 0.95)).toBe(5000);
  });
});
