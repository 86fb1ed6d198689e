import { UpstreamPool } from "./upstream/pool.ts";

/**
 * Keep-alive connection pools, one per upstream address (and connect timeout). Pools of addresses
 * the router no longer picks (draining, or gone from the table) are closed: their idle connections
 * go at once and busy ones when their response is done; until then they are counted in
 * {@link UpstreamPools.busy}, which the router reports so that the controller stops an instance only
 * once nothing is in flight to it.
 */
export class UpstreamPools {
  readonly #pools = new Map<string, UpstreamPool>();
  /** Closed pools still carrying requests, no longer in the table at all. */
  readonly #leaving = new Set<UpstreamPool>();
  readonly #routing = new Set<UpstreamPool>();
  readonly #idleMs: number;
  /** Called when a pool the router no longer picks has finished its last request. */
  onDrained: (() => void) | undefined;

  constructor(options: { idleMs?: number; onDrained?: () => void } = {}) {
    this.#idleMs = options.idleMs ?? 4000;
    this.onDrained = options.onDrained;
  }

  get(address: string, connectTimeoutMs: number): UpstreamPool {
    const key = `${address}|${connectTimeoutMs}`;
    let pool = this.#pools.get(key);
    if (pool === undefined) {
      pool = new UpstreamPool(address, { connectTimeoutMs, idleMs: this.#idleMs });
      pool.onDrained = () => this.#drained(pool as UpstreamPool);
      this.#pools.set(key, pool);
    }
    return pool;
  }

  /**
   * After a table change: pools the router picks from stay (or become) open; draining ones close
   * their idle connections; pools of addresses gone from the table close and are dropped once idle.
   */
  update(routing: ReadonlySet<UpstreamPool>, draining: ReadonlySet<UpstreamPool>): void {
    this.#routing.clear();
    for (const [key, pool] of this.#pools) {
      if (routing.has(pool)) {
        this.#routing.add(pool);
        pool.reopen();
        continue;
      }
      pool.close();
      if (draining.has(pool)) continue;
      this.#pools.delete(key);
      if (pool.busy > 0) this.#leaving.add(pool);
    }
  }

  /** Every address the router may pick for a new request. */
  routing(): string[] {
    return [...new Set([...this.#routing].map((p) => p.address))];
  }

  /** Requests in flight per address the router no longer picks; only addresses with some. */
  busy(): Record<string, number> {
    const out: Record<string, number> = Object.create(null);
    for (const pool of [...this.#pools.values(), ...this.#leaving]) {
      if (this.#routing.has(pool) || pool.busy === 0) continue;
      out[pool.address] = (out[pool.address] ?? 0) + pool.busy;
    }
    return out;
  }

  close(): void {
    for (const pool of [...this.#pools.values(), ...this.#leaving]) pool.destroy();
    this.#pools.clear();
    this.#leaving.clear();
    this.#routing.clear();
  }

  #drained(pool: UpstreamPool): void {
    this.#leaving.delete(pool);
    if (!this.#routing.has(pool)) this.onDrained?.();
  }
}
