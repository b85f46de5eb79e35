import { FakeClock } from '../../../test/helpers/fake-clock';
import { CircuitBreakers } from './circuit-breaker';

describe('CircuitBreakers', () => {
  it('opens after 5 consecutive failures, for 10 s, per key', () => {
    const clock = new FakeClock();
    const breakers = new CircuitBreakers(clock);
    for (let failure = 0; failure < 4; failure += 1) breakers.failed('a');
    expect(breakers.allow('a')).toBe(true);
    breakers.failed('a');
    expect(breakers.allow('a')).toBe(false);
    expect(breakers.allow('b')).toBe(true);
    clock.advance(9_999);
    expect(breakers.allow('a')).toBe(false);
  });

  it('lets exactly one trial call through after the pause; its outcome decides', () => {
    const clock = new FakeClock();
    const breakers = new CircuitBreakers(clock);
    for (let failure = 0; failure < 5; failure += 1) breakers.failed('a');
    clock.advance(10_000);
    expect(breakers.allow('a')).toBe(true);
    expect(breakers.allow('a')).toBe(false);
    breakers.failed('a');
    expect(breakers.allow('a')).toBe(false);
    clock.advance(10_000);
    expect(breakers.allow('a')).toBe(true);
    breakers.succeeded('a');
    expect(breakers.allow('a')).toBe(true);
    expect(breakers.allow('a')).toBe(true);
  });

  it('a success resets the count of consecutive failures', () => {
    const breakers = new CircuitBreakers(new FakeClock());
    for (let failure = 0; failure < 4; failure += 1) breakers.failed('a');
    breakers.succeeded('a');
    for (let failure = 0; failure < 4; failure += 1) breakers.failed('a');
    expect(breakers.allow('a')).toBe(true);
  });

  it('keeps a bounded number of circuits, dropping the least recently used', () => {
    const breakers = new CircuitBreakers(new FakeClock(), 3);
    for (const key of ['a', 'b']) for (let failure = 0; failure < 5; failure += 1) breakers.failed(key);
    breakers.failed('c');
    expect(breakers.allow('a')).toBe(false);
    breakers.failed('d');
    expect(breakers.allow('a')).toBe(false);
    expect(breakers.allow('b')).toBe(true);
  });
});
