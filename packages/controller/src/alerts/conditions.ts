import { METRICS_BUCKET_MS, type Pod } from "@berth/api";
import { quantile } from "../metrics/histogram.ts";
import { addUp } from "../metrics/summarize.ts";
import type { MemoryUse } from "../scheduler/types.ts";
import type { TrafficRow } from "../store/schema.ts";
import { duration, type RuleShape } from "./kinds.ts";

/** What the evaluator knows of an app at one tick. */
export interface AppSnapshot {
  /** Traffic rows covering the longest window of the app's rules. */
  traffic: readonly TrafficRow[];
  /** Times of crash events covering that window. */
  crashes: readonly string[];
  /** Web instances wanted by the formation. */
  webWanted: number;
  /** The app's instances (only loaded for `down` rules). */
  pods?: readonly Pod[];
  memory?: ReadonlyMap<string, MemoryUse>;
}

export interface Condition {
  holds: boolean;
  /** The figure behind it, for people: "5xx 12% of 840 requests over 5 m". */
  figure: string;
}

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;

/** Rows whose minute overlaps the last `seconds`. */
function inWindow(rows: readonly TrafficRow[], seconds: number, now: number): TrafficRow[] {
  const from = now - seconds * 1000;
  return rows.filter((r) => Number(r.start) + METRICS_BUCKET_MS > from);
}

/** Whether a metric rule's condition holds now, and its figure. */
export function condition(rule: RuleShape, app: AppSnapshot, now: number): Condition {
  const window = rule.windowSeconds ?? 0;
  const over = duration(window);
  switch (rule.kind) {
    case "errors": {
      const f = addUp(inWindow(app.traffic, window, now));
      const share = f.requests === 0 ? 0 : f.errors / f.requests;
      return {
        holds: f.requests >= (rule.minRequests ?? 1) && share * 100 >= (rule.threshold ?? 0),
        figure: `5xx ${percent(share)} of ${f.requests} requests over ${over}`,
      };
    }
    case "latency": {
      const f = addUp(inWindow(app.traffic, window, now));
      const p95 = quantile(f.latency, 0.95);
      return {
        holds: p95 !== null && f.requests >= (rule.minRequests ?? 1) && p95 >= (rule.threshold ?? 0),
        figure: p95 === null ? `no requests over ${over}` : `p95 ${Math.round(p95)} ms of ${f.requests} requests over ${over}`,
      };
    }
    case "crashes": {
      const n = app.crashes.filter((time) => Date.parse(time) > now - window * 1000).length;
      return { holds: n >= (rule.threshold ?? 1), figure: `${n} crash${n === 1 ? "" : "es"} in ${over}` };
    }
    case "down": {
      const ready = (app.pods ?? []).filter((p) => p.type === "web" && p.ready).length;
      if (app.webWanted > 0 && app.pods !== undefined && ready === 0) {
        return { holds: true, figure: `no ready web instance of ${app.webWanted} wanted` };
      }
      const f = addUp(inWindow(app.traffic, window, now));
      const failing = f.requests >= (rule.minRequests ?? 1) && f.errors === f.requests;
      return {
        holds: failing,
        figure: failing ? `every one of ${f.requests} requests failed over ${over}` : `${ready} ready web instance(s)`,
      };
    }
    case "memory": {
      let worst: { type: string; share: number; limit: number } | undefined;
      for (const [type, use] of app.memory ?? []) {
        if (use.limitBytes === null || use.limitBytes === 0) continue;
        const share = use.usedBytes / use.limitBytes;
        if (worst === undefined || share > worst.share) worst = { type, share, limit: use.limitBytes / use.instances };
      }
      if (worst === undefined) return { holds: false, figure: "no process type has a memory limit (berth limits:set)" };
      return {
        holds: worst.share * 100 >= (rule.threshold ?? 100),
        figure: `${worst.type} memory ${percent(worst.share)} of its ${Math.round(worst.limit / 1048576)} MB limit`,
      };
    }
    default:
      return { holds: false, figure: "" };
  }
}
