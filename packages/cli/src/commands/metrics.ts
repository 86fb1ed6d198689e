import type { MetricsQuery } from "@berth/api";
import { appOption, type Command, defineCommand, jsonOption } from "../command.ts";
import { parseDuration } from "../duration.ts";
import { UsageError } from "../errors.ts";
import { metricsView } from "../metrics-view.ts";

const DEFAULT_COLUMNS = 80;

/** `30m`, `1h`, … `24h`: the controller keeps a day of figures. Checked here so a typo costs no request. */
function since(raw: string | undefined): MetricsQuery {
  if (raw === undefined) return {};
  const seconds = parseDuration(raw, ["m", "h"]);
  if (seconds === undefined || seconds < 60 || seconds > 24 * 3600) {
    throw new UsageError(`--since: "${raw}" is not a duration like 30m or 6h (at most 24h)`, "e.g. `berth metrics --since 6h`");
  }
  return { since: raw };
}

const metrics = defineCommand({
  name: "metrics",
  group: "metrics",
  summary: "draw the app's traffic, errors, latency and crashes over the last hour (or --since)",
  description: [
    "Every router counts the requests it sends to the app, minute by minute; this adds them up and draws",
    "one sparkline per series, scaled to its own peak: requests, 5xx responses, the median (p50) and p95",
    "latency, and instance crashes. `·` marks a step with nothing in it (no requests, so no latency).",
    "Steps are combined to fit the terminal's width. A line per process type follows: its crashes and",
    "the memory its instances use; memory is n/a where the scheduler cannot measure it (Kubernetes",
    "without a metrics server). --json prints the figures as the controller sends them.",
  ].join("\n"),
  options: {
    ...appOption,
    ...jsonOption,
    since: { type: "string", description: "how far back: 30m, 1h, 6h, 24h, … (default 1h, at most 24h)", placeholder: "duration" },
  },
  args: { min: 0, max: 0 },
  examples: [
    ["berth metrics", "the last hour of the app of this repository"],
    ["berth metrics -a myapp --since 6h", "the last six hours of myapp"],
    ["berth metrics --json | jq .totals", "the period's totals, for a script"],
  ],
  async run({ flags }, ctx) {
    const query = since(flags.since);
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const figures = await session.client.metrics(app, query);
    if (flags.json) return ctx.out.json(figures);
    // Only an idle app needs its URL: the line saying no request reached it gives it.
    const url = figures.totals.requests === 0 ? (await session.client.apps.get(app)).url : undefined;
    const columns = ctx.deps.stdout.columns ?? DEFAULT_COLUMNS;
    for (const line of metricsView(figures, { printer: ctx.out, columns, ...(url ? { url } : {}) })) ctx.out.line(line);
  },
});

export const commands: Command[] = [metrics];
