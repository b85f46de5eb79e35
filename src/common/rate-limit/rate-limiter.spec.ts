import { FakeClock } from '../../../test/helpers/fake-clock';
import { InMemoryRateLimiter } from './rate-limiter';

describe('InMemoryRateLimiter', () => {
  it('allows the limit per window, then says when to come back', () => {
    const clock = new FakeClock('2026-01-01T00:00:00.000Z');
    const limiter = new InMemoryRateLimiter(clock);
    for (let i = 0; i < 3; i += 1) expect(limiter.consume('k', 3, 60_000).allowed).toBe(true);
    expect(limiter.consume('k', 3, 60_000)).toEqual({ allowed: false, retryAfterSeconds: 60 });
    clock.advance(45_000);
    expect(limiter.consume('k', 3, 60_000)).toEqual({ allowed: false, retryAfterSeconds: 15 });
    clock.advance(15_000);
    expect(limiter.consume('k', 3, 60_000).allowed).toBe(true);
  });

  it('drops the oldest keys when full, so a spray of new keys does not reset recent counts', () => {
    const limiter = new InMemoryRateLimiter(new FakeClock('2026-01-01T00:00:00.000Z'));
    for (let i = 0; i < 5; i += 1) limiter.consume('early', 5, 60_000);
    for (let i = 0; i < 99_999; i += 1) limiter.consume(`spray-${i}`, 5, 60_000);
    for (let i = 0; i < 5; i += 1) limiter.consume('recent', 5, 60_000);
    limiter.consume('one-more', 5, 60_000);
    expect(limiter.consume('recent', 5, 60_000).allowed).toBe(false);
    expect(limiter.consume('early', 5, 60_000).allowed).toBe(true);
  });
});
