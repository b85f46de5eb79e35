/**
 * Source of the current time, of waiting and of timeouts. Logic never calls `Date.now()`, `setTimeout` or
 * `AbortSignal.timeout` directly, so tests can move time.
 */
export abstract class Clock {
  abstract now(): Date;
  abstract sleep(ms: number): Promise<void>;
  /** A signal that aborts (as a TimeoutError) once `ms` have passed. */
  abstract timeout(ms: number): AbortSignal;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  timeout(ms: number): AbortSignal {
    return AbortSignal.timeout(ms);
  }
}
