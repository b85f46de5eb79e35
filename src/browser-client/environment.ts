/** What the credential provider needs of its surroundings; the browser's by default, a test's when injected. */
export interface Environment {
  fetch: (url: string, init: { method: string; headers: Record<string, string>; body: string }) => Promise<Response>;
  /** Milliseconds, like Date.now(). */
  now: () => number;
  setTimer: (run: () => void, delayMs: number) => unknown;
  clearTimer: (timer: unknown) => void;
  /** A number in [0, 1), for jitter. */
  random: () => number;
  /** Calls `listener` when the page becomes visible again (a laptop waking, a tab brought back); returns an undo. */
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
      const target = (globalThis as { document?: EventTarget & { visibilityState?: string } }).document;
      if (!target) return () => undefined;
      const onVisible = () => {
        if (target.visibilityState === 'visible') listener();
      };
      target.addEventListener('visibilitychange', onVisible);
      return () => target.removeEventListener('visibilitychange', onVisible);
    },
  };
}
