import type { AppMetrics, Fetch, MetricsPoint, ProcessMetrics } from "@berth/api";

const until = Date.parse("2026-11-25T22:00:00Z");
const mib = 1024 * 1024;

/** A point of one minute; `n` minutes after the start of the period. */
export function point(n: number, figures: Partial<Omit<MetricsPoint, "time">> = {}): MetricsPoint {
  const requests = figures.requests ?? 0;
  return {
    time: new Date(until - 3_600_000 + n * 60_000).toISOString(),
    requests,
    errors: figures.errors ?? 0,
    p50Ms: figures.p50Ms ?? (requests > 0 ? 38 : null),
    p95Ms: figures.p95Ms ?? (requests > 0 ? 400 : null),
    p99Ms: figures.p99Ms ?? (requests > 0 ? 900 : null),
    crashes: figures.crashes ?? 0,
  };
}

const web: ProcessMetrics = { type: "web", crashes: 2, memory: { usedBytes: 180 * mib, limitBytes: 512 * mib, instances: 2 } };
const worker: ProcessMetrics = { type: "worker", crashes: 0 };

/**
 * The last hour of an app as the controller would answer it: one-minute points, traffic that rises
 * to a peak at minute 40, a burst of 5xx and two web crashes around it; totals are the points' sums.
 */
export function sampleMetrics(app: string, points = hourOfTraffic(), processes: ProcessMetrics[] = [web, worker]): AppMetrics {
  const requests = points.reduce((sum, p) => sum + p.requests, 0);
  const errors = points.reduce((sum, p) => sum + p.errors, 0);
  const p50 = points.map((p) => p.p50Ms).filter((ms) => ms !== null);
  return {
    app,
    since: new Date(until - 3_600_000).toISOString(),
    until: new Date(until).toISOString(),
    stepSeconds: 60,
    points,
    totals: {
      requests,
      errors,
      errorShare: requests === 0 ? 0 : errors / requests,
      p50Ms: p50.length === 0 ? null : 38,
      p95Ms: p50.length === 0 ? null : 412,
      p99Ms: p50.length === 0 ? null : 980,
      crashes: points.reduce((sum, p) => sum + p.crashes, 0),
    },
    processes,
    routers: 2,
  };
}

function hourOfTraffic(): MetricsPoint[] {
  return Array.from({ length: 60 }, (_, n) => {
    const requests = Math.round(40 + 166 * Math.exp(-(((n - 40) / 9) ** 2)));
    return point(n, {
      requests,
      errors: [12, 60, 90, 41, 20][n - 38] ?? 0,
      p50Ms: 30 + Math.round(requests / 20),
      p95Ms: 180 + Math.round(requests * 1.1),
      crashes: n === 40 ? 2 : 0,
    });
  });
}

/** The metrics requests a {@link metricsFetch} answered: their path and query. */
export type MetricsRequests = URL[];

/**
 * The controller has no metrics route yet: this fetch answers `GET /v2/apps/:id/metrics` with
 * `answer` (after checking the token is sent) and passes every other request to the real controller.
 */
export function metricsFetch(answer: AppMetrics, seen: MetricsRequests, next: Fetch = globalThis.fetch): Fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (!/^\/v2\/apps\/[^/]+\/metrics$/.test(url.pathname)) return next(input, init);
    seen.push(url);
    const headers = new Headers(init?.headers);
    if (!headers.get("authorization")?.startsWith("Bearer ")) return new Response("{}", { status: 401 });
    return Response.json(answer);
  };
}
