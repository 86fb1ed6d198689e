import { UpstreamPool } from "./upstream/pool.ts";

/** Keep-alive connection pools, one per upstream address (and connect timeout). */
export class UpstreamPools {
  readonly #pools = new Map<string, UpstreamPool>();
  readonly #idleMs: number;
  readonly #dial: ((address: string) => string | undefined) | undefined;

  constructor(options: { idleMs?: number; dial?: (address: string) => string | undefined } = {}) {
    this.#idleMs = options.idleMs ?? 4000;
    this.#dial = options.dial;
  }

  /** Where a connection for `address` goes (see {@link PoolOptions.dial}). */
  target(address: string): string {
    return this.#dial?.(address) ?? address;
  }

  get(address: string, connectTimeoutMs: number): UpstreamPool {
    const key = `${address}|${connectTimeoutMs}`;
    let pool = this.#pools.get(key);
    if (pool === undefined) {
      pool = new UpstreamPool(address, {
        connectTimeoutMs,
        idleMs: this.#idleMs,
        ...(this.#dial === undefined ? {} : { dial: this.#dial }),
      });
      this.#pools.set(key, pool);
    }
    return pool;
  }

  /**
   * Closes the pools of addresses no route uses any more (not ready, not draining). A closed pool lets
   * in-flight requests finish, so an instance that leaves the table is drained, not cut.
   */
  retain(inUse: ReadonlySet<UpstreamPool>): void {
    for (const [key, pool] of this.#pools) {
      if (inUse.has(pool)) continue;
      this.#pools.delete(key);
      pool.close();
    }
  }

  close(): void {
    for (const pool of this.#pools.values()) pool.destroy();
    this.#pools.clear();
  }
}
