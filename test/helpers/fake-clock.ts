import { Clock } from '../../src/common/clock/clock';

/** A clock that moves only when told to; sleeping moves it forward at once. */
export class FakeClock extends Clock {
  private current: number;
  /** Every sleep requested, in order (backoff and Retry-After waits). */
  readonly sleeps: number[] = [];

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
    this.current += ms;
  }

  advance(ms: number): void {
    this.current += ms;
  }

  set(date: Date | string): void {
    this.current = new Date(date).getTime();
  }
}
