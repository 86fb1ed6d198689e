import type { AppMetrics, RouterMetricsReport } from "@berth/api";
import type { Logger } from "../logger.ts";
import type { MemoryUse } from "../scheduler/types.ts";
import { eventsOfKind } from "../store/app-events.ts";
import type { Db } from "../store/schema.ts";
import { pruneTraffic, saveTraffic, trafficSince } from "../store/traffic.ts";
import { HISTORY_MS, stepFor } from "./period.ts";
import { summarize } from "./summarize.ts";

export interface TrafficHistoryOptions {
  now?: () => number;
  /** How often, at most, buckets older than {@link HISTORY_MS} are removed. Default 10 minutes. */
  pruneEveryMs?: number;
}

/**
 * The apps' traffic over the last day, kept in the store: every router replica's reports land in
 * it, whichever controller receives them, so each controller (and a restarted one) sees the same.
 */
export class TrafficHistory {
  readonly #db: Db;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #pruneEveryMs: number;
  #pruned = 0;

  constructor(db: Db, logger: Logger, options: TrafficHistoryOptions = {}) {
    this.#db = db;
    this.#logger = logger;
    this.#now = options.now ?? Date.now;
    this.#pruneEveryMs = options.pruneEveryMs ?? 10 * 60_000;
  }

  /** Keeps a router's report; answers how many buckets were kept. */
  async record(report: RouterMetricsReport): Promise<number> {
    const kept = await saveTraffic(this.#db, `${report.router}#${report.boot}`, report.buckets);
    const now = this.#now();
    if (now - this.#pruned >= this.#pruneEveryMs) {
      this.#pruned = now;
      const removed = await pruneTraffic(this.#db, now - HISTORY_MS - 60_000);
      if (removed > 0) this.#logger.info("forgot traffic older than a day", { buckets: removed });
    }
    return kept;
  }

  /** The app's figures over the last `periodMs`, in steps that fit the period. */
  async appMetrics(app: string, types: readonly string[], periodMs: number, memory?: ReadonlyMap<string, MemoryUse>): Promise<AppMetrics> {
    const stepMs = stepFor(periodMs);
    const now = this.#now();
    // Whole steps, ending with the one now open.
    const until = now - (now % stepMs) + stepMs;
    const since = until - Math.ceil(periodMs / stepMs) * stepMs;
    const [rows, crashes] = await Promise.all([
      trafficSince(this.#db, app, since),
      eventsOfKind(this.#db, app, "crash", new Date(since).toISOString()),
    ]);
    return summarize({ app, rows, crashes, types, since, until, stepMs, ...(memory === undefined ? {} : { memory }) });
  }
}
