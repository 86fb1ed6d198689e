import type { Timestamp } from "./types.ts";

/**
 * Where routers send their traffic counts (`POST`, with `X-Berth-Router-Key`, a
 * {@link RouterMetricsReport}). Every router replica reports for itself; the controller adds them up.
 */
export const ROUTER_METRICS_PATH = "/v2/routes/metrics";

/** How often a router sends the buckets that changed since its last acknowledged report. */
export const ROUTER_METRICS_INTERVAL_MS = 10_000;

/** Width of one traffic bucket: requests are counted per app and per minute (UTC). */
export const METRICS_BUCKET_MS = 60_000;

/**
 * Upper bounds, in milliseconds, of the latency histogram in a {@link TrafficBucket}: a request
 * taking `ms` counts in the first bucket whose bound is ≥ `ms`, and in the last (unbounded) slot when
 * none is. Percentiles are read from it by interpolating within a bucket.
 */
export const METRICS_LATENCY_BOUNDS_MS = [5, 10, 25, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2500, 5000, 10_000, 30_000] as const;

/**
 * What one router counted for one app in one minute: the requests whose response ended in it.
 * Counts in a bucket only grow while its minute is open, so a report that repeats a bucket replaces
 * the earlier figures rather than adding to them — a report lost or sent twice changes nothing.
 */
export interface TrafficBucket {
  app: string;
  /** Start of the minute, in ms since the epoch (a multiple of {@link METRICS_BUCKET_MS}). */
  start: number;
  requests: number;
  /** Responses with a 5xx status, the router's own (502, 503, 504) included. */
  errors: number;
  /** Requests per latency bucket: `METRICS_LATENCY_BOUNDS_MS.length + 1` counts. */
  latency: number[];
  /** Sum of all latencies, in ms (for the mean). */
  latencySumMs: number;
}

/** A router's report (`POST /v2/routes/metrics`): the buckets that changed since its last acknowledged one. */
export interface RouterMetricsReport {
  /** Names the router process, as in its status report. */
  router: string;
  /**
   * Random per start of the router process: a restarted router counts its minute from zero again, so
   * its buckets must not replace the ones it sent before the restart.
   */
  boot: string;
  buckets: TrafficBucket[];
}

/** `GET /v2/apps/:id/metrics` query. */
export interface MetricsQuery {
  /** How far back: `30m`, `1h`, `6h`, `24h` (at most 24 h). Default `1h`. */
  since?: string;
}

/** One step of an app's metrics over time. */
export interface MetricsPoint {
  /** Start of the step. */
  time: Timestamp;
  requests: number;
  /** 5xx responses. */
  errors: number;
  /** Latency percentiles in ms; null when there were no requests in the step. */
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  /** Instances of the app that crashed in the step (every process type). */
  crashes: number;
}

/** Figures of one process type over the whole period. */
export interface ProcessMetrics {
  type: string;
  crashes: number;
  /**
   * Memory of its running instances now, as the engine measures it (Docker's stats, page cache left
   * out), added up over the `instances`, in bytes; `limitBytes` adds up their limits and is null when
   * any has none. Absent where the scheduler cannot say (Kubernetes without a metrics server).
   */
  memory?: { usedBytes: number; limitBytes: number | null; instances: number };
}

/** `GET /v2/apps/:id/metrics`: the app's traffic through every router, and its instances' health. */
export interface AppMetrics {
  app: string;
  since: Timestamp;
  until: Timestamp;
  /** Width of each point, in seconds (a whole number of minutes). */
  stepSeconds: number;
  /** Oldest first, one per step, steps without traffic included (with zero requests). */
  points: MetricsPoint[];
  totals: {
    requests: number;
    errors: number;
    /** errors / requests, 0 when there were no requests. */
    errorShare: number;
    p50Ms: number | null;
    p95Ms: number | null;
    p99Ms: number | null;
    crashes: number;
  };
  /** Only routable types (web) receive traffic; every type may crash. */
  processes: ProcessMetrics[];
  /** Router replicas whose counts are in the figures. */
  routers: number;
}
