import { METRICS_LATENCY_BOUNDS_MS } from "@berth/api";

const slots = METRICS_LATENCY_BOUNDS_MS.length + 1;

/** A latency histogram (counts per METRICS_LATENCY_BOUNDS_MS bucket, the last unbounded) to add buckets into. */
export function emptyHistogram(): number[] {
  return new Array<number>(slots).fill(0);
}

/** Adds `counts` into `into` (a histogram of the same shape; a shorter or longer one is cut to it). */
export function addHistogram(into: number[], counts: readonly number[]): void {
  for (let i = 0; i < slots; i++) into[i]! += counts[i] ?? 0;
}

/**
 * The `q` quantile (0.95 → p95) in ms, interpolated linearly within its bucket; null without
 * requests. A quantile in the unbounded bucket is reported as its lower bound (30 s): "at least".
 */
export function quantile(counts: readonly number[], q: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < slots; i++) {
    const n = counts[i] ?? 0;
    if (n > 0 && seen + n >= rank) {
      const lower = i === 0 ? 0 : METRICS_LATENCY_BOUNDS_MS[i - 1]!;
      const upper = METRICS_LATENCY_BOUNDS_MS[i];
      if (upper === undefined) return lower;
      return Math.round((lower + ((rank - seen) / n) * (upper - lower)) * 10) / 10;
    }
    seen += n;
  }
  return METRICS_LATENCY_BOUNDS_MS.at(-1)!;
}
