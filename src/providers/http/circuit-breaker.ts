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

/**
 * One circuit per key (the HTTP client keys by provider account and host, so one tenant's broken settings never
 * trip another's calls). After 5 consecutive failures (timeouts, 5xx, refused connections) calls fail at once for
 * 10 s instead of piling up; then a single trial call decides whether it closes again.
 */
export class CircuitBreakers {
  private readonly circuits: LRUCache<string, CircuitState>;

  constructor(
    private readonly clock: Clock,
    maxCircuits = MAX_CIRCUITS,
  ) {
    this.circuits = new LRUCache({ max: maxCircuits });
  }

  /** Whether a call may go out now; in the half-open state only one trial call does. */
  allow(key: string): boolean {
    const state = this.circuits.get(key);
    if (!state || state.consecutiveFailures < FAILURES_TO_OPEN) return true;
    if (this.clock.now().getTime() < state.openUntil || state.trialInFlight) return false;
    state.trialInFlight = true;
    return true;
  }

  succeeded(key: string): void {
    this.circuits.delete(key);
  }

  failed(key: string): void {
    const state = this.circuits.get(key) ?? { consecutiveFailures: 0, openUntil: 0, trialInFlight: false };
    state.consecutiveFailures += 1;
    state.trialInFlight = false;
    if (state.consecutiveFailures >= FAILURES_TO_OPEN) state.openUntil = this.clock.now().getTime() + OPEN_FOR_MS;
    this.circuits.set(key, state);
  }
}
