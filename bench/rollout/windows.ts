import type { LoadClient, LoadOutcome } from "../../packages/platform/test/helpers/load.ts";

/** A failed request: when it ended (ms after its window opened), which client, and why. */
export interface Failure {
  atMs: number;
  client: LoadClient;
  reason: string;
}

/**
 * A stretch of the run whose requests are counted together: one rollout (from the change request
 * until the release settled) or the quiet period after it. For a rollout, `awaited` is how the new
 * release's answers begin, and `servedAfterMs` when the first of them came.
 */
export class Window {
  readonly label: string;
  readonly awaited: string | undefined;
  readonly opened = performance.now();
  /** Wall-clock time of the opening, to place the platform's events in the window. */
  readonly openedAt = Date.now();
  closed: number | undefined;
  ok = 0;
  readonly failures: Failure[] = [];
  readonly byClient = new Map<LoadClient, { ok: number; failed: number }>();
  servedAfterMs: number | undefined;

  constructor(label: string, awaited?: string) {
    this.label = label;
    this.awaited = awaited;
  }

  record(outcome: LoadOutcome): void {
    const at = performance.now() - this.opened;
    const counts = this.byClient.get(outcome.client) ?? { ok: 0, failed: 0 };
    this.byClient.set(outcome.client, counts);
    if (outcome.failure !== undefined) {
      counts.failed += 1;
      this.failures.push({ atMs: at, client: outcome.client, reason: outcome.failure });
      return;
    }
    counts.ok += 1;
    this.ok += 1;
    if (this.servedAfterMs === undefined && this.awaited !== undefined && outcome.answer.startsWith(this.awaited)) {
      this.servedAfterMs = at;
    }
  }

  close(): void {
    this.closed ??= performance.now();
  }

  get durationMs(): number {
    return (this.closed ?? performance.now()) - this.opened;
  }

  get requests(): number {
    return this.ok + this.failures.length;
  }
}

/** Windows taken together: the rollouts, or the quiet periods. */
export interface Totals {
  durationMs: number;
  requests: number;
  failed: number;
  failures: (Failure & { window: string })[];
  byClient: Map<LoadClient, { ok: number; failed: number }>;
}

export function totals(windows: readonly Window[]): Totals {
  const byClient = new Map<LoadClient, { ok: number; failed: number }>();
  for (const w of windows) {
    for (const [client, c] of w.byClient) {
      const sum = byClient.get(client) ?? { ok: 0, failed: 0 };
      byClient.set(client, { ok: sum.ok + c.ok, failed: sum.failed + c.failed });
    }
  }
  return {
    durationMs: windows.reduce((n, w) => n + w.durationMs, 0),
    requests: windows.reduce((n, w) => n + w.requests, 0),
    failed: windows.reduce((n, w) => n + w.failures.length, 0),
    failures: windows.flatMap((w) => w.failures.map((f) => ({ ...f, window: w.label }))),
    byClient,
  };
}
