import { LRUCache } from 'lru-cache';
import { Clock } from '../../common/clock/clock';

const FAILURES_TO_OPEN = 5;
const OPEN_FOR_MS = 10_000;
/** Circuits are per provider account; the least recently used are dropped beyond this many. */
const MAX_CIRCUITS = 10_000;

interface CircuitState {
  consecutiveFailures: number;
  openUntil: number;
  trialInFlight: boolean;
}

/** A circuit opened (for `openForMs` from now) or closed again, told to and by the other replicas. */
export interface CircuitChange {
  key: string;
  provider: string;
  openForMs?: number;
}

/** How replicas tell each other about circuits (Redis pub/sub); without it, each process learns on its own. */
export interface CircuitNews {
  publish(change: CircuitChange): void;
  subscribe(handler: (change: CircuitChange) => void): void;
}

export interface CircuitBreakersOptions {
  news?: CircuitNews;
  /** Called when a circuit opens, here (after its own failures) or elsewhere (another replica's news). */
  opened?: (provider: string, where: 'here' | 'elsewhere') => void;
  maxCircuits?: number;
}

/**
 * One circuit per key (the HTTP client keys by provider account and host, so one tenant's broken settings never
 * trip another's calls). After 5 consecutive failures (timeouts, 5xx, refused connections) calls fail at once for
 * 10 s instead of piling up; then a single trial call decides whether it closes again. An opened circuit is news
 * for every replica: they stop calling too, without failing 5 times each.
 */
export class CircuitBreakers {
  private readonly circuits: LRUCache<string, CircuitState>;

  constructor(
    private readonly clock: Clock,
    private readonly options: CircuitBreakersOptions = {},
  ) {
    this.circuits = new LRUCache({ max: options.maxCircuits ?? MAX_CIRCUITS });
    options.news?.subscribe((change) => this.heard(change));
  }

  /** Whether a call may go out now; in the half-open state only one trial call does. */
  allow(key: string): boolean {
    const state = this.circuits.get(key);
    if (!state || state.consecutiveFailures < FAILURES_TO_OPEN) return true;
    if (this.clock.now().getTime() < state.openUntil || state.trialInFlight) return false;
    state.trialInFlight = true;
    return true;
  }

  succeeded(key: string, provider: string): void {
    const state = this.circuits.get(key);
    this.circuits.delete(key);
    if (state && state.consecutiveFailures >= FAILURES_TO_OPEN) this.options.news?.publish({ key, provider });
  }

  failed(key: string, provider: string): void {
    const state = this.circuits.get(key) ?? { consecutiveFailures: 0, openUntil: 0, trialInFlight: false };
    state.consecutiveFailures += 1;
    state.trialInFlight = false;
    if (state.consecutiveFailures >= FAILURES_TO_OPEN) {
      state.openUntil = this.clock.now().getTime() + OPEN_FOR_MS;
      this.options.opened?.(provider, 'here');
      this.options.news?.publish({ key, provider, openForMs: OPEN_FOR_MS });
    }
    this.circuits.set(key, state);
  }

  /** How many circuits are open now. */
  openCount(): number {
    const now = this.clock.now().getTime();
    let open = 0;
    for (const state of this.circuits.values()) if (state.consecutiveFailures >= FAILURES_TO_OPEN && state.openUntil > now) open += 1;
    return open;
  }

  /**
   * The worst circuit among keys starting with the prefix (an account's, whatever host): `open` while calls fail at
   * once, `half_open` once the next call would be the trial.
   */
  stateOf(prefix: string): { state: 'closed' | 'open' | 'half_open'; openUntil: Date | null } {
    const now = this.clock.now().getTime();
    let worst: { state: 'closed' | 'open' | 'half_open'; openUntil: Date | null } = { state: 'closed', openUntil: null };
    for (const [key, circuit] of this.circuits.entries()) {
      if (!key.startsWith(prefix) || circuit.consecutiveFailures < FAILURES_TO_OPEN) continue;
      if (circuit.openUntil > now) return { state: 'open', openUntil: new Date(circuit.openUntil) };
      worst = { state: 'half_open', openUntil: new Date(circuit.openUntil) };
    }
    return worst;
  }

  private heard(change: CircuitChange): void {
    if (change.openForMs === undefined) return void this.circuits.delete(change.key);
    const openForMs = Math.min(Math.max(0, change.openForMs), OPEN_FOR_MS);
    this.circuits.set(change.key, {
      consecutiveFailures: FAILURES_TO_OPEN,
      openUntil: this.clock.now().getTime() + openForMs,
      trialInFlight: false,
    });
    this.options.opened?.(change.provider, 'elsewhere');
  }
}
