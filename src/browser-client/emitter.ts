/** A minimal typed event emitter: listeners per event, each removed by the function `on` returns. */
export class Emitter<Events> {
  private readonly listeners = new Map<keyof Events, Set<(value: never) => void>>();

  on<E extends keyof Events>(event: E, listener: (value: Events[E]) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener);
    this.listeners.set(event, set);
    return () => set.delete(listener);
  }

  emit<E extends keyof Events>(event: E, value: Events[E]): void {
    for (const listener of this.listeners.get(event) ?? []) {
      // One listener's failure must not stop the others, nor the provider.
      try {
        (listener as (value: Events[E]) => void)(value);
      } catch {
        // ignored: listeners are the app's
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
