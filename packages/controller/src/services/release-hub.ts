/**
 * Wakes those who wait for an app's releases (the release status long-poll) when the deployer
 * changes one of them: its state or its rollout's progress. In-process only: with several
 * controller replicas, a waiter on a replica that does not run the rollout hears nothing and finds
 * the change in the store when its bounded wait ends.
 */
export class ReleaseHub {
  readonly #waiting = new Map<string, Set<() => void>>();

  /** Something about the app's releases changed (and is in the store): every waiter reads again. */
  changed(app: string): void {
    const waiters = this.#waiting.get(app);
    if (waiters === undefined) return;
    this.#waiting.delete(app);
    for (const wake of waiters) wake();
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
