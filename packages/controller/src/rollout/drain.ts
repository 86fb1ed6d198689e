import { setTimeout as sleep } from "node:timers/promises";

/**
 * Instances on their way out. Before the deployer removes a routable instance it marks it draining
 * and tells the route table (`onChange`), so the router sends it no new requests; after `drainMs`,
 * in which in-flight requests finish, the instance is stopped.
 */
export class Drainer {
  readonly #drainMs: number;
  readonly #onChange: (app: string) => void;
  readonly #draining = new Map<string, Set<string>>();

  constructor(drainMs: number, onChange: (app: string) => void) {
    this.#drainMs = drainMs;
    this.#onChange = onChange;
  }

  /** Names of the app's instances being drained now. */
  draining(app: string): ReadonlySet<string> {
    return this.#draining.get(app) ?? new Set();
  }

  /** Tells the route table that the app's instances changed (e.g. new ones became ready). */
  changed(app: string): void {
    this.#onChange(app);
  }

  /** Drains `names` (when they serve requests), then runs `remove`. */
  async retire(app: string, names: string[], routable: boolean, remove: () => Promise<void>): Promise<void> {
    if (names.length === 0) return;
    if (!routable || this.#drainMs === 0) {
      await remove();
      this.#onChange(app);
      return;
    }
    const set = this.#draining.get(app) ?? new Set<string>();
    this.#draining.set(app, set);
    for (const name of names) set.add(name);
    this.#onChange(app);
    try {
      await sleep(this.#drainMs);
      await remove();
    } finally {
      for (const name of names) set.delete(name);
      if (set.size === 0) this.#draining.delete(app);
      this.#onChange(app);
    }
  }
}
