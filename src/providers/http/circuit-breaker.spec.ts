import { FakeClock } from '../../../test/helpers/fake-clock';
import { CircuitBreakers, CircuitChange, CircuitNews } from './circuit-breaker';

describe('CircuitBreakers', () => {
  it('opens after 5 consecutive failures, for 10 s, per key', () => {
    const clock = new FakeClock();
    const breakers = new CircuitBreakers(clock);
    for (let failure = 0; failure < 4; failure += 1) breakers.failed('a', 'twilio');
    expect(breakers.allow('a')).toBe(true);
    breakers.failed('a', 'twilio');
    expect(breakers.allow('a')).toBe(false);
    expect(breakers.allow('b')).toBe(true);
    clock.advance(9_999);
    expect(breakers.allow('a')).toBe(false);
  });

  it('lets exactly one trial call through after the pause; its outcome decides', () => {
    const clock = new FakeClock();
    const breakers = new CircuitBreakers(clock);
    for (let failure = 0; failure < 5; failure += 1) breakers.failed('a', 'twilio');
    clock.advance(10_000);
    expect(breakers.allow('a')).toBe(true);
    expect(breakers.allow('a')).toBe(false);
    breakers.failed('a', 'twilio');
    expect(breakers.allow('a')).toBe(false);
    clock.advance(10_000);
    expect(breakers.allow('a')).toBe(true);
    breakers.succeeded('a', 'twilio');
    expect(breakers.allow('a')).toBe(true);
    expect(breakers.allow('a')).toBe(true);
  });

  it('a success resets the count of consecutive failures', () => {
    const breakers = new CircuitBreakers(new FakeClock());
    for (let failure = 0; failure < 4; failure += 1) breakers.failed('a', 'twilio');
    breakers.succeeded('a', 'twilio');
    for (let failure = 0; failure < 4; failure += 1) breakers.failed('a', 'twilio');
    expect(breakers.allow('a')).toBe(true);
  });

  it('keeps a bounded number of circuits, dropping the least recently used', () => {
    const breakers = new CircuitBreakers(new FakeClock(), { maxCircuits: 3 });
    for (const key of ['a', 'b']) for (let failure = 0; failure < 5; failure += 1) breakers.failed(key, 'twilio');
    breakers.failed('c', 'twilio');
    expect(breakers.allow('a')).toBe(false);
    breakers.failed('d', 'twilio');
    expect(breakers.allow('a')).toBe(false);
    expect(breakers.allow('b')).toBe(true);
  });

  it('tells the other replicas: a circuit opened on one is open on all, and a successful trial closes it on all', () => {
    const clock = new FakeClock();
    const handlers: ((change: CircuitChange) => void)[] = [];
    const bus = (): CircuitNews => {
      let own: (change: CircuitChange) => void = () => undefined;
      return {
        publish: (change) => handlers.filter((handler) => handler !== own).forEach((handler) => handler(change)),
        subscribe: (handler) => void handlers.push((own = handler)),
      };
    };
    const opened: string[] = [];
    const first = new CircuitBreakers(clock, { news: bus(), opened: (provider, where) => opened.push(`first ${where}`) });
    const second = new CircuitBreakers(clock, { news: bus(), opened: (provider, where) => opened.push(`second ${where}`) });
    for (let failure = 0; failure < 5; failure += 1) first.failed('a', 'twilio');
    expect(second.allow('a')).toBe(false);
    expect(second.allow('b')).toBe(true);
    expect(opened).toEqual(['first here', 'second elsewhere']);
    expect(second.openCount()).toBe(1);

    clock.advance(10_000);
    expect(first.allow('a')).toBe(true);
    first.succeeded('a', 'twilio');
    // Closed, not half-open: calls go through one after another, not a single trial.
    expect(second.allow('a')).toBe(true);
    expect(second.allow('a')).toBe(true);
    expect(second.openCount()).toBe(0);
  });

  it("holds a circuit another replica's news opened for at most its own 10 s, whatever the news says", () => {
    const clock = new FakeClock();
    let deliver: (change: CircuitChange) => void = () => undefined;
    const breakers = new CircuitBreakers(clock, { news: { publish: () => undefined, subscribe: (handler) => void (deliver = handler) } });
    deliver({ key: 'a', provider: 'twilio', openForMs: 1e15 });
    deliver({ key: 'b', provider: 'twilio', openForMs: -5 });
    expect(breakers.allow('a')).toBe(false);
    clock.advance(10_000);
    expect(breakers.allow('a')).toBe(true);
    expect(breakers.allow('b')).toBe(true);
  });
});
