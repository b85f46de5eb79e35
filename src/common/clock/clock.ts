/** Source of the current time, and of waiting. Logic never calls `Date.now()` or `setTimeout` directly, so tests can move time. */
export abstract class Clock {
  abstract now(): Date;
  abstract sleep(ms: number): Promise<void>;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}
