import { AppTraffic } from "./traffic.ts";

/** Upper bounds of the latency histogram, in seconds. */
export const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
const classes = ["1xx", "2xx", "3xx", "4xx", "5xx"] as const;

/** Counters of one app: preallocated, so recording a request allocates nothing. */
export class AppMetrics {
  readonly app: string;
  readonly byClass = new Float64Array(classes.length);
  /** Non-cumulative counts per bucket; the last slot is +Inf. Made cumulative when rendered. */
  readonly buckets = new Float64Array(latencyBuckets.length + 1);
  sumSeconds = 0;
  count = 0;
  /** The same requests per minute, for the controller's history. */
  readonly traffic: AppTraffic;

  constructor(app: string) {
    this.app = app;
    this.traffic = new AppTraffic(app);
  }

  observe(status: number, ms: number): void {
    this.traffic.observe(status, ms, Date.now());
    const cls = ((status / 100) | 0) - 1;
    this.byClass[cls >= 0 && cls < 5 ? cls : 4]!++;
    const seconds = ms / 1000;
    let i = 0;
    while (i < latencyBuckets.length && seconds > latencyBuckets[i]!) i++;
    this.buckets[i]!++;
    this.sumSeconds += seconds;
    this.count++;
  }
}

const label = (value: string) => value.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));

/** Per-app request counters and latency histograms, rendered in the Prometheus text format. */
export class RouterMetrics {
  readonly #apps = new Map<string, AppMetrics>();
  /** Requests for hosts no app answers to, by status class. */
  readonly unrouted = new Float64Array(classes.length);

  forApp(app: string): AppMetrics {
    let metrics = this.#apps.get(app);
    if (metrics === undefined) {
      metrics = new AppMetrics(app);
      this.#apps.set(app, metrics);
    }
    return metrics;
  }

  /** Every app that has had a request through this router. */
  apps(): IterableIterator<AppMetrics> {
    return this.#apps.values();
  }

  render(): string {
    const out: string[] = [
      "# HELP berth_router_requests_total Requests through the router, by app and status class.",
      "# TYPE berth_router_requests_total counter",
    ];
    for (const m of this.#apps.values()) {
      for (let i = 0; i < classes.length; i++) {
        out.push(`berth_router_requests_total{app="${label(m.app)}",code="${classes[i]}"} ${m.byClass[i]}`);
      }
    }
    out.push(
      "# HELP berth_router_unrouted_requests_total Requests for hosts no app answers to, by status class.",
      "# TYPE berth_router_unrouted_requests_total counter",
    );
    for (let i = 0; i < classes.length; i++) out.push(`berth_router_unrouted_requests_total{code="${classes[i]}"} ${this.unrouted[i]}`);
    out.push(
      "# HELP berth_router_request_duration_seconds Time from request to the end of the response, by app.",
      "# TYPE berth_router_request_duration_seconds histogram",
    );
    for (const m of this.#apps.values()) {
      const app = label(m.app);
      let cumulative = 0;
      m.buckets.forEach((n, i) => {
        cumulative += n;
        const le = i < latencyBuckets.length ? String(latencyBuckets[i]) : "+Inf";
        out.push(`berth_router_request_duration_seconds_bucket{app="${app}",le="${le}"} ${cumulative}`);
      });
      out.push(`berth_router_request_duration_seconds_sum{app="${app}"} ${m.sumSeconds}`);
      out.push(`berth_router_request_duration_seconds_count{app="${app}"} ${m.count}`);
    }
    return `${out.join("\n")}\n`;
  }
}
