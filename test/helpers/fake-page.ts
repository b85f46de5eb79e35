import { Environment } from '../../src/browser-client/environment';

/** A page's surroundings under the test's control: a clock that moves when told, timers that fire as it passes them. */
export class FakePage implements Environment {
  time = 1_000_000;
  private timers: { at: number; run: () => void; id: number }[] = [];
  private nextId = 1;
  private wakeListeners = new Set<() => void>();
  readonly requests: { url: string; authorization: string; body: Record<string, unknown> }[] = [];
  /** Answers, in order, to the requests the provider makes. */
  readonly answers: (() => Response | Promise<Response>)[] = [];

  fetch = async (url: string, init: { headers: Record<string, string>; body: string }) => {
    this.requests.push({ url, authorization: init.headers.authorization, body: JSON.parse(init.body) as Record<string, unknown> });
    const answer = this.answers.shift();
    if (!answer) throw new Error(`unexpected request to ${url}`);
    return answer();
  };
  now = () => this.time;
  random: () => number = () => 0.5;
  setTimer = (run: () => void, delayMs: number) => {
    const id = this.nextId++;
    this.timers.push({ at: this.time + delayMs, run, id });
    return id;
  };
  clearTimer = (id: unknown) => {
    this.timers = this.timers.filter((timer) => timer.id !== id);
  };
  onWake = (listener: () => void) => {
    this.wakeListeners.add(listener);
    return () => this.wakeListeners.delete(listener);
  };

  pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves the clock, firing due timers in order, and lets the work they start settle. */
  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((timer) => timer.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.time = Math.max(this.time, due.at);
      due.run();
    }
    this.time = until;
    await settle();
  }

  /**
   * The computer slept `ms` and no page event says so: the clock jumped, and the timers, which stand still in sleep,
   * are as far from firing as before.
   */
  async sleepUnnoticed(ms: number): Promise<void> {
    this.time += ms;
    for (const timer of this.timers) timer.at += ms;
    await settle();
  }

  /** The page was asleep (timers did not run) and wakes `ms` later. */
  async sleepAndWake(ms: number): Promise<void> {
    this.time += ms;
    for (const listener of this.wakeListeners) listener();
    await settle();
  }
}

export async function settle(): Promise<void> {
  for (let turn = 0; turn < 20; turn += 1) await Promise.resolve();
}

/** Callpass's answer with a token issued at server time `serverNow`, refreshable after 80% of its lifetime. */
export function tokenAnswer(id: string, serverNow: number, lifetimeMs = 600_000, extra: Record<string, unknown> = {}) {
  return () =>
    new Response(
      JSON.stringify({
        id,
        provider: 'twilio',
        kind: 'access_token',
        token: `token-${id}`,
        identity: 'alice',
        serverTime: new Date(serverNow).toISOString(),
        refreshAfter: new Date(serverNow + lifetimeMs * 0.8).toISOString(),
        expiresAt: new Date(serverNow + lifetimeMs).toISOString(),
        capabilities: ['incoming', 'outgoing'],
        ...extra,
      }),
      { status: 201 },
    );
}

export function errorAnswer(status: number, code: string, headers: Record<string, string> = {}) {
  return () => new Response(JSON.stringify({ error: { code, message: code, details: {} } }), { status, headers });
}
