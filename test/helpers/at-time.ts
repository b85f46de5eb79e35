/** Runs the official helper library with Date frozen at `date`, so its tokens can be compared with ours. */
export function atTime<T>(date: Date, produce: () => T): T {
  jest.useFakeTimers({
    now: date,
    doNotFake: [
      'nextTick',
      'setImmediate',
      'clearImmediate',
      'setTimeout',
      'clearTimeout',
      'setInterval',
      'clearInterval',
      'queueMicrotask',
      'hrtime',
      'performance',
    ],
  });
  try {
    return produce();
  } finally {
    jest.useRealTimers();
  }
}
