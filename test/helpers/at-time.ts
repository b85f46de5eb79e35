import { fakeDateOnly } from './fake-clock';

/** Runs the official helper library with Date frozen at `date`, so its tokens can be compared with ours. */
export function atTime<T>(date: Date, produce: () => T): T {
  fakeDateOnly();
  jest.setSystemTime(date);
  try {
    return produce();
  } finally {
    jest.useRealTimers();
  }
}
