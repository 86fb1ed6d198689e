import type { AlertKind } from "@berth/api";

/** What a kind takes, and its defaults: a user gives only what differs. */
export interface KindSpec {
  /** Metric kinds are evaluated over a window each tick; event kinds notify per event. */
  metric: boolean;
  threshold?: { default: number; min: number; max: number; unit: string };
  windowSeconds?: number;
  forSeconds: number;
  minRequests?: number;
}

export const KINDS: Readonly<Record<AlertKind, KindSpec>> = {
  errors: { metric: true, threshold: { default: 5, min: 0.1, max: 100, unit: "%" }, windowSeconds: 300, forSeconds: 60, minRequests: 20 },
  latency: {
    metric: true,
    threshold: { default: 1000, min: 1, max: 600_000, unit: "ms" },
    windowSeconds: 300,
    forSeconds: 120,
    minRequests: 20,
  },
  crashes: { metric: true, threshold: { default: 3, min: 1, max: 10_000, unit: "crashes" }, windowSeconds: 600, forSeconds: 0 },
  down: { metric: true, windowSeconds: 120, forSeconds: 60, minRequests: 5 },
  memory: { metric: true, threshold: { default: 90, min: 1, max: 100, unit: "%" }, forSeconds: 300 },
  "deploy-failed": { metric: false, forSeconds: 0 },
  "build-failed": { metric: false, forSeconds: 0 },
  rollback: { metric: false, threshold: { default: 0, min: 0, max: 1, unit: "(1: automatic only)" }, forSeconds: 0 },
};

/** `90` → "1 m 30 s", `300` → "5 m", `3600` → "1 h". */
export function duration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const parts = [h > 0 ? `${h} h` : "", m > 0 ? `${m} m` : "", s > 0 || seconds === 0 ? `${s} s` : ""].filter((p) => p !== "");
  return parts.join(" ");
}

export interface RuleShape {
  kind: AlertKind;
  threshold: number | null;
  windowSeconds: number | null;
  forSeconds: number;
  minRequests: number | null;
}

/** One line a person reads: "5xx share at least 5% over 5 m (at least 20 requests), for 1 m". */
export function summarize(rule: RuleShape): string {
  const over = rule.windowSeconds === null ? "" : ` over ${duration(rule.windowSeconds)}`;
  const held = rule.forSeconds > 0 ? `, for ${duration(rule.forSeconds)}` : "";
  const floor = rule.minRequests === null ? "" : ` (at least ${rule.minRequests} requests)`;
  switch (rule.kind) {
    case "errors":
      return `5xx share at least ${rule.threshold}%${over}${floor}${held}`;
    case "latency":
      return `p95 at least ${rule.threshold} ms${over}${floor}${held}`;
    case "crashes":
      return `${rule.threshold} or more crashes in ${duration(rule.windowSeconds ?? 0)}${held}`;
    case "down":
      return `no ready web instance, or every request failing${over}${floor}${held}`;
    case "memory":
      return `memory at least ${rule.threshold}% of the limit${held}`;
    case "deploy-failed":
      return "a deploy fails (the previous release keeps serving)";
    case "build-failed":
      return "a push's build fails (no release is made)";
    case "rollback":
      return rule.threshold === 1 ? "an automatic rollback (a failed deploy)" : "any rollback, by hand or automatic";
  }
}
