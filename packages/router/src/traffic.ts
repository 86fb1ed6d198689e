import { METRICS_BUCKET_MS, METRICS_LATENCY_BOUNDS_MS, type TrafficBucket } from "@berth/api";

const slots = METRICS_LATENCY_BOUNDS_MS.length + 1;

/** Ended minutes kept for the controller while it does not acknowledge them: an hour's outage. */
const MAX_UNSENT_MINUTES = 60;

/** One app's requests in one minute, as counted so far. */
class Minute {
  readonly start: number;
  requests = 0;
  errors = 0;
  readonly latency = new Float64Array(slots);
  sumMs = 0;
  /** `requests` when the controller last acknowledged this minute; -1 when never. */
  acknowledged = -1;

  constructor(start: number) {
    this.start = start;
  }

  bucket(app: string): TrafficBucket {
    return {
      app,
      start: this.start,
      requests: this.requests,
      errors: this.errors,
      latency: Array.from(this.latency),
      latencySumMs: this.sumMs,
    };
  }
}

/** A report's buckets and what to mark acknowledged once the controller took them. */
export interface TrafficBatch {
  buckets: TrafficBucket[];
  acknowledge(): void;
}

/**
 * One app's traffic per minute for the controller (`POST /v2/routes/metrics`): the open minute and
 * the ended ones it has not acknowledged yet. Recording a request allocates nothing.
 */
export class AppTraffic {
  readonly app: string;
  #current: Minute | undefined;
  #unsent: Minute[] = [];

  constructor(app: string) {
    this.app = app;
  }

  observe(status: number, ms: number, now: number): void {
    let minute = this.#current;
    if (minute === undefined || now >= minute.start + METRICS_BUCKET_MS || now < minute.start) minute = this.#roll(now);
    minute.requests++;
    if (status >= 500) minute.errors++;
    let i = 0;
    while (i < METRICS_LATENCY_BOUNDS_MS.length && ms > METRICS_LATENCY_BOUNDS_MS[i]!) i++;
    minute.latency[i]!++;
    minute.sumMs += ms;
  }

  #roll(now: number): Minute {
    const ended = this.#current;
    if (ended !== undefined && ended.requests > ended.acknowledged) {
      this.#unsent.push(ended);
      if (this.#unsent.length > MAX_UNSENT_MINUTES) this.#unsent.shift();
    }
    this.#current = new Minute(now - (now % METRICS_BUCKET_MS));
    return this.#current;
  }

  /** What changed since the last acknowledged report: the ended minutes, and the open one if it grew. */
  pending(): TrafficBatch {
    const ended = [...this.#unsent];
    const open = this.#current !== undefined && this.#current.requests > this.#current.acknowledged ? this.#current : undefined;
    const openCount = open?.requests ?? 0;
    const buckets = ended.map((m) => m.bucket(this.app));
    if (open !== undefined) buckets.push(open.bucket(this.app));
    return {
      buckets,
      acknowledge: () => {
        this.#unsent = this.#unsent.filter((m) => !ended.includes(m));
        if (open === undefined) return;
        // The open minute may have ended meanwhile (it is then among the unsent, waiting for its rest).
        open.acknowledged = openCount;
        if (open !== this.#current && open.requests <= open.acknowledged) this.#unsent = this.#unsent.filter((m) => m !== open);
      },
    };
  }
}
