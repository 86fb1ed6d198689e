import { ROUTER_STATUS_INTERVAL_MS, type RouterStatus } from "@berth/api";

export interface RouterBoardOptions {
  /** A router that has not reported for this long is taken for gone. Default three report intervals. */
  liveMs?: number;
  /**
   * After the controller starts, routers that are up may not have reported yet: for this long the
   * board does not take "no router" for an answer. Default 0 (the controller's runtime sets it).
   */
  warmupMs?: number;
  now?: () => number;
}

/** Why an instance cannot be stopped yet, per router. */
export interface Holdup {
  router: string;
  /** `stale`: serves an older table (or none yet); `routing`: still picks an instance; `busy`: requests in flight there. */
  kind: "stale" | "routing" | "busy";
  reason: string;
}

interface Report extends RouterStatus {
  received: number;
}

/**
 * What every router reported it routes (`POST /v2/routes/status`). The deployer asks it, before it
 * stops an instance, whether each live router has taken the instance out of its table and finished
 * the requests it had there.
 */
export class RouterBoard {
  readonly #reports = new Map<string, Report>();
  readonly #waiters = new Set<() => void>();
  readonly #liveMs: number;
  readonly #now: () => number;
  readonly #warmUntil: number;

  constructor(options: RouterBoardOptions = {}) {
    this.#liveMs = options.liveMs ?? 3 * ROUTER_STATUS_INTERVAL_MS;
    this.#now = options.now ?? Date.now;
    this.#warmUntil = this.#now() + (options.warmupMs ?? 0);
  }

  /** How long a router may go without reporting before it is taken for gone, in ms. */
  get liveMs(): number {
    return this.#liveMs;
  }

  record(status: RouterStatus): void {
    this.#reports.set(status.router, { ...status, received: this.#now() });
    for (const wake of [...this.#waiters]) wake();
  }

  /** Routers heard from within the liveness window, by name. */
  live(): RouterStatus[] {
    const now = this.#now();
    for (const [name, report] of this.#reports) if (now - report.received > this.#liveMs) this.#reports.delete(name);
    return [...this.#reports.values()]
      .sort((a, b) => a.router.localeCompare(b.router))
      .map(({ router, version, routing, busy }) => ({ router, version, routing, busy: { ...busy } }));
  }

  /**
   * What still holds up stopping the instances at `addresses`, taken out of the route table as of
   * version `version`: each live router that serves an older table, still picks one of them, or
   * has requests in flight there. Empty when they may be stopped.
   */
  holdups(addresses: readonly string[], version: number): Holdup[] {
    const out: Holdup[] = [];
    const live = this.live();
    if (live.length === 0 && this.#now() < this.#warmUntil)
      return [{ router: "(any)", kind: "stale", reason: "routers have not reported since the controller started" }];
    for (const report of live) {
      if (report.version < version) {
        out.push({ router: report.router, kind: "stale", reason: `serves route table ${report.version}, older than ${version}` });
        continue;
      }
      const routed = addresses.filter((a) => report.routing.includes(a));
      if (routed.length > 0) {
        out.push({ router: report.router, kind: "routing", reason: `still routes to ${routed.join(", ")}` });
        continue;
      }
      const busy = addresses.filter((a) => (report.busy[a] ?? 0) > 0);
      if (busy.length > 0) {
        out.push({
          router: report.router,
          kind: "busy",
          reason: `has requests in flight at ${busy.map((a) => `${a} (${report.busy[a]})`).join(", ")}`,
        });
      }
    }
    return out;
  }

  /** Resolves on the next report, after `ms` (liveness may have changed), or when `signal` aborts. */
  next(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiters.add(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }
}
