/**
 * Wakes those who wait for an app's releases (the release status long-poll) when the deployer
 * changes one of them: its state or its rollout's progress. In-process; controllers sharing a
 * database hear of each other's changes through the change feed (services/change-feed.ts).
 */
export class ReleaseHub {
  readonly #waiting = new Map<string, Set<() => void>>();
  readonly #listeners = new Set<(app: string) => void>();

  /** Something about the app's releases changed (and is in the store): every waiter reads again. */
  changed(app: string): void {
    for (const listener of this.#listeners) listener(app);
    const waiters = this.#waiting.get(app);
    if (waiters === undefined) return;
    this.#waiting.delete(app);
    for (const wake of waiters) wake();
  }

  /** Wakes every waiter of every app (after a spell in which changes may have been missed). */
  changedAll(): void {
    for (const app of [...this.#waiting.keys()]) this.changed(app);
  }

  /** Calls `listener` with the app of every change until the returned function is called. */
  subscribe(listener: (app: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves at the app's next change, or once `signal` aborts; never rejects. */
  next(app: string, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const waiters = this.#waiting.get(app) ?? new Set<() => void>();
      this.#waiting.set(app, waiters);
      const wake = () => {
        signal.removeEventListener("abort", wake);
        if (waiters.delete(wake) && waiters.size === 0 && this.#waiting.get(app) === waiters) this.#waiting.delete(app);
        resolve();
      };
      waiters.add(wake);
      signal.addEventListener("abort", wake, { once: true });
    });
  }

  /** How many wait for the app now (for tests: a long-poll is held). */
  waiting(app: string): number {
    return this.#waiting.get(app)?.size ?? 0;
  }
}
