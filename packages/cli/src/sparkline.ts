import type { MetricsPoint } from "@berth/api";

const blocks = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"] as const;

/** What a step without data shows: no requests (counts), no latency to measure (percentiles). */
export const NO_DATA = "·";

/**
 * One character per value, scaled to the largest value of the series: the largest is █, any
 * non-zero value at least ▁, so a little is told apart from nothing; zero and null are `·`.
 */
export function sparkline(values: readonly (number | null)[]): string {
  const peak = Math.max(0, ...values.map((value) => value ?? 0));
  return values
    .map((value) => {
      if (value === null || value <= 0 || peak === 0) return NO_DATA;
      const level = Math.min(blocks.length, Math.max(1, Math.ceil((value / peak) * blocks.length)));
      return blocks[level - 1] ?? NO_DATA;
    })
    .join("");
}

/** How many adjacent points one column stands for, so that `count` points fit in `width` columns. */
export function pointsPerColumn(count: number, width: number): number {
  return Math.max(1, Math.ceil(count / Math.max(1, width)));
}

const maxOf = (values: (number | null)[]): number | null => {
  const known = values.filter((value) => value !== null);
  return known.length === 0 ? null : Math.max(...known);
};

/**
 * Combines adjacent points until they fit in `width` columns: counts are summed, percentiles take
 * the worst (largest) of the group. Groups are cut from the newest end, so that when the points do
 * not divide evenly it is the oldest column that covers fewer steps, not the one a reader looks at
 * to see how the app is doing now.
 */
export function combinePoints(points: readonly MetricsPoint[], width: number): MetricsPoint[] {
  const size = pointsPerColumn(points.length, width);
  if (size === 1) return [...points];
  const combined: MetricsPoint[] = [];
  for (let end = points.length; end > 0; end -= size) {
    const group = points.slice(Math.max(0, end - size), end);
    const first = group[0];
    if (first === undefined) continue;
    combined.unshift({
      time: first.time,
      requests: group.reduce((sum, point) => sum + point.requests, 0),
      errors: group.reduce((sum, point) => sum + point.errors, 0),
      crashes: group.reduce((sum, point) => sum + point.crashes, 0),
      p50Ms: maxOf(group.map((point) => point.p50Ms)),
      p95Ms: maxOf(group.map((point) => point.p95Ms)),
      p99Ms: maxOf(group.map((point) => point.p99Ms)),
    });
  }
  return combined;
}
