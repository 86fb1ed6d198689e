import { Pool } from "undici";

/** Keep-alive connection pools, one per upstream address (and connect timeout). */
export class UpstreamPools {
  readonly #pools = new Map<string, Pool>();
  readonly #keepAliveMs: number;

  constructor(options: { keepAliveMs?: number } = {}) {
    this.#keepAliveMs = options.keepAliveMs ?? 30_000;
  }

  get(address: string, connectTimeoutMs: number): Pool {
    const key = `${address}|${connectTimeoutMs}`;
    let pool = this.#pools.get(key);
    if (pool === undefined) {
      pool = new Pool(`http://${address}`, {
        connectTimeout: connectTimeoutMs,
        keepAliveTimeout: this.#keepAliveMs,
        keepAliveMaxTimeout: this.#keepAliveMs,
        pipelining: 1,
      });
      this.#pools.set(key, pool);
    }
    return pool;
  }

  /**
   * Closes the pools of addresses no route uses any more (not ready, not draining). `close()` lets
   * in-flight requests finish first, so an instance that leaves the table is drained, not cut.
   */
  retain(inUse: ReadonlySet<Pool>): void {
    for (const [key, pool] of this.#pools) {
      if (inUse.has(pool)) continue;
      this.#pools.delete(key);
      void pool.close().catch(() => {});
    }
  }

  async close(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((pool) => pool.close().catch(() => {})));
  }
}
