/**
 * A controller's queue: keys are deduplicated while pending and handled one at a time on a later
 * tick, never inside the store callback that scheduled them. Failures go to `onError`, and the key is
 * retried after `retryMs`, as a rate-limited workqueue would.
 */
export class WorkQueue {
  readonly #pending = new Set<string>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #handle: (key: string) => Promise<void> | void;
  readonly #onError: (key: string, error: unknown) => void;
  #stopped = false;
  #running: Promise<void> = Promise.resolve();

  constructor(handle: (key: string) => Promise<void> | void, onError: (key: string, error: unknown) => void) {
    this.#handle = handle;
    this.#onError = onError;
  }

  add(key: string, afterMs = 0): void {
    if (this.#stopped) return;
    if (afterMs > 0) {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        this.add(key);
      }, afterMs);
      this.#timers.add(timer);
      return;
    }
    if (this.#pending.has(key)) return;
    this.#pending.add(key);
    setImmediate(() => {
      this.#running = this.#running.then(() => this.#run(key));
    });
  }

  async #run(key: string): Promise<void> {
    this.#pending.delete(key);
    if (this.#stopped) return;
    try {
      await this.#handle(key);
    } catch (error) {
      this.#onError(key, error);
      this.add(key, 500);
    }
  }

  /** Stops taking work and waits for the key being handled, if any. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#timers) clearTimeout(timer);
    await this.#running;
  }
}

export const namespacedKey = (namespace: string | undefined, name: string): string => `${namespace ?? ""}/${name}`;

export function splitKey(key: string): [string, string] {
  const at = key.indexOf("/");
  return [key.slice(0, at), key.slice(at + 1)];
}
