import { Clock } from '../../src/common/clock/clock';

/**
 * A clock that moves only when told to; sleeping moves it forward at once, and timeouts fire as it passes them
 * (a sleep included: a test that sleeps while other calls are in flight moves their deadlines closer too).
 */
export class FakeClock extends Clock {
  private current: number;
  private readonly timeouts: { at: number; controller: AbortController }[] = [];
  /** Every sleep requested, in order (backoff and Retry-After waits). */
  readonly sleeps: number[] = [];
  /** Every timeout requested, in order. */
  readonly timeoutsRequested: number[] = [];

  /** Starts well in the past by default, so a leak of real time into logic shows up as a failure. */
  constructor(start: Date | string = '2024-06-03T10:00:00.000Z') {
    super();
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.advance(ms);
  }

  timeout(ms: number): AbortSignal {
    this.timeoutsRequested.push(ms);
    const controller = new AbortController();
    this.timeouts.push({ at: this.current + ms, controller });
    return controller.signal;
  }

  advance(ms: number): void {
    this.set(new Date(this.current + ms));
  }

  set(date: Date | string): void {
    this.current = new Date(date).getTime();
    for (const timeout of this.timeouts.filter(({ at }) => at <= this.current)) {
      this.timeouts.splice(this.timeouts.indexOf(timeout), 1);
      timeout.controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    }
  }
}

/**
 * Fakes Date alone (timers keep running), for libraries that read Date.now() themselves: jose's key-set cooldown,
 * rate-limiter-flexible's windows. Move it with `jest.setSystemTime`; undo with `jest.useRealTimers()`.
 */
export function fakeDateOnly(): void {
  jest.useFakeTimers({
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}
