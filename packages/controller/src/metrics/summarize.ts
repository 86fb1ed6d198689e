import type { AppMetrics, MetricsPoint, ProcessMetrics } from "@berth/api";
import type { TrafficRow } from "../store/schema.ts";
import { addHistogram, emptyHistogram, quantile } from "./histogram.ts";

/** An app's traffic over some span, added up over routers and minutes. */
export interface TrafficFigures {
  requests: number;
  errors: number;
  latency: number[];
}

/** Adds up traffic rows (every router, every minute given). */
export function addUp(rows: readonly TrafficRow[]): TrafficFigures {
  const figures: TrafficFigures = { requests: 0, errors: 0, latency: emptyHistogram() };
  for (const row of rows) {
    figures.requests += row.requests;
    figures.errors += row.errors;
    addHistogram(figures.latency, JSON.parse(row.latency) as number[]);
  }
  return figures;
}

export interface SummaryInput {
  app: string;
  rows: readonly TrafficRow[];
  crashes: readonly { time: string; process: string | null }[];
  /** Process types of the app's formation. */
  types: readonly string[];
  since: number;
  until: number;
  stepMs: number;
  memory?: ReadonlyMap<string, NonNullable<ProcessMetrics["memory"]>>;
}

/** The `GET /v2/apps/:id/metrics` answer from the app's traffic rows and crash events in a period. */
export function summarize(input: SummaryInput): AppMetrics {
  const { since, until, stepMs } = input;
  const steps = Math.max(1, Math.ceil((until - since) / stepMs));
  const byStep = Array.from({ length: steps }, () => ({ rows: [] as TrafficRow[], crashes: 0 }));
  const stepOf = (ms: number) => Math.min(steps - 1, Math.max(0, Math.floor((ms - since) / stepMs)));
  for (const row of input.rows) byStep[stepOf(Number(row.start))]!.rows.push(row);
  const crashesByType = new Map<string, number>();
  for (const crash of input.crashes) {
    byStep[stepOf(Date.parse(crash.time))]!.crashes++;
    const type = crash.process ?? "unknown";
    crashesByType.set(type, (crashesByType.get(type) ?? 0) + 1);
  }
  const points: MetricsPoint[] = byStep.map((step, i) => {
    const f = addUp(step.rows);
    return {
      time: new Date(since + i * stepMs).toISOString(),
      requests: f.requests,
      errors: f.errors,
      p50Ms: quantile(f.latency, 0.5),
      p95Ms: quantile(f.latency, 0.95),
      p99Ms: quantile(f.latency, 0.99),
      crashes: step.crashes,
    };
  });
  const total = addUp(input.rows);
  const types = [...new Set([...input.types, ...crashesByType.keys()])];
  return {
    app: input.app,
    since: new Date(since).toISOString(),
    until: new Date(until).toISOString(),
    stepSeconds: stepMs / 1000,
    points,
    totals: {
      requests: total.requests,
      errors: total.errors,
      errorShare: total.requests === 0 ? 0 : total.errors / total.requests,
      p50Ms: quantile(total.latency, 0.5),
      p95Ms: quantile(total.latency, 0.95),
      p99Ms: quantile(total.latency, 0.99),
      crashes: input.crashes.length,
    },
    processes: types.map((type) => {
      const memory = input.memory?.get(type);
      return { type, crashes: crashesByType.get(type) ?? 0, ...(memory === undefined ? {} : { memory }) };
    }),
    routers: new Set(input.rows.map((r) => r.source.replace(/#[^#]*$/, ""))).size,
  };
}
