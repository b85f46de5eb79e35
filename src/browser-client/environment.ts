/** What the credential provider needs of its surroundings; the browser's by default, a test's when injected. */
export interface Environment {
  fetch: (url: string, init: { method: string; headers: Record<string, string>; body: string }) => Promise<Response>;
  /** Milliseconds, like Date.now(). */
  now: () => number;
  setTimer: (run: () => void, delayMs: number) => unknown;
  clearTimer: (timer: unknown) => void;
  /** A number in [0, 1), for jitter. */
  random: () => number;
  /** Calls `listener` when the page may have slept (visible again, restored, back online); returns an undo. */
  onWake: (listener: () => void) => () => void;
}

export function browserEnvironment(): Environment {
  return {
    fetch: (url, init) => globalThis.fetch(url, init),
    now: () => Date.now(),
    setTimer: (run, delayMs) => setTimeout(run, delayMs),
    clearTimer: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
    random: () => Math.random(),
    onWake: (listener) => {
      const page = globalThis as unknown as Partial<EventTarget> & { document?: EventTarget & { visibilityState?: string } };
      if (!page.document || !page.addEventListener || !page.removeEventListener) return () => undefined;
      const document = page.document;
      const onVisible = () => {
        if (document.visibilityState === 'visible') listener();
      };
      // A tab brought back, a page restored from the back-forward cache, a laptop back on the network.
      document.addEventListener('visibilitychange', onVisible);
      page.addEventListener('pageshow', listener);
      page.addEventListener('online', listener);
      return () => {
        document.removeEventListener('visibilitychange', onVisible);
        page.removeEventListener!('pageshow', listener);
        page.removeEventListener!('online', listener);
      };
    },
  };
}
