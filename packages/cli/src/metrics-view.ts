import type { AppMetrics, MetricsPoint, ProcessMetrics } from "@berth/api";
import { type Printer, type Style, width } from "./output.ts";
import { combinePoints, NO_DATA, pointsPerColumn, sparkline } from "./sparkline.ts";

/** `12,400`. */
export function count(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** `1 crash`, `2 crashes`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

/** `38 ms`, `1.2 s`; `n/a` when nothing was measured. */
export function milliseconds(ms: number | null): string {
  if (ms === null) return "n/a";
  if (ms < 1) return "<1 ms";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${trimZero((ms / 1000).toFixed(ms < 10_000 ? 1 : 0))} s`;
}

/** `180 MB`, `1.5 GB` in binary units, as Docker and the `512M` memory limits count. */
export function bytes(n: number): string {
  const mib = 1024 * 1024;
  if (n < mib) return `${Math.max(0, Math.round(n / 1024))} KB`;
  if (n < 1024 * mib) return `${Math.round(n / mib)} MB`;
  return `${trimZero((n / (1024 * mib)).toFixed(1))} GB`;
}

/** `1.8%`, `12%`; `<0.1%` rather than a 0% that hides a few errors. */
export function percent(fraction: number): string {
  const value = fraction * 100;
  if (value === 0) return "0%";
  if (value < 0.1) return "<0.1%";
  return `${trimZero(value.toFixed(value < 10 ? 1 : 0))}%`;
}

/** `1 h`, `30 min`: how far back the figures go. */
export function period(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  const hours = Math.round(minutes / 60);
  // A period cut at minute boundaries may run a minute long or short: 59 or 61 minutes is still 1 h.
  return hours >= 1 && Math.abs(minutes - hours * 60) <= 1 ? `${hours} h` : `${minutes} min`;
}

/** `1 minute steps`, `2 hour steps`. */
export function steps(seconds: number): string {
  const minutes = Math.max(1, Math.round(seconds / 60));
  return minutes % 60 === 0 ? `${minutes / 60} hour steps` : `${minutes} minute steps`;
}

const trimZero = (text: string) => text.replace(/\.0$/, "");

/** The period the figures cover, as the header and the no-traffic line say it. */
export function periodOf(metrics: AppMetrics): string {
  return period(new Date(metrics.until).getTime() - new Date(metrics.since).getTime());
}

export interface MetricsViewOptions {
  printer: Printer;
  /** Width of the terminal: the sparklines combine steps to fit in it. */
  columns: number;
  /** The app's URL, for the line that says no request reached it. */
  url?: string;
}

interface Series {
  label: string;
  value: (point: MetricsPoint) => number | null;
  /** The key figure, at the right of the sparkline. */
  figure: string;
  /** Drawn in red: errors and crashes, when there were any. */
  alert: boolean;
}

const gap = "  ";

/** The series drawn: traffic only when there was some, crashes always (an idle app can crash too). */
function seriesOf(metrics: AppMetrics): Series[] {
  const { totals } = metrics;
  const crashes: Series = { label: "crashes", value: (p) => p.crashes, figure: count(totals.crashes), alert: totals.crashes > 0 };
  if (totals.requests === 0) return [crashes];
  const peak = Math.max(0, ...metrics.points.map((p) => p.requests)) / Math.max(1, metrics.stepSeconds / 60);
  const errors = totals.errors === 0 ? "none" : `${percent(totals.errorShare)} of requests (${count(totals.errors)})`;
  return [
    { label: "requests", value: (p) => p.requests, figure: `${count(totals.requests)} total · ${count(peak)}/min peak`, alert: false },
    { label: "5xx", value: (p) => p.errors, figure: errors, alert: totals.errors > 0 },
    { label: "p50", value: (p) => p.p50Ms, figure: milliseconds(totals.p50Ms), alert: false },
    { label: "p95", value: (p) => p.p95Ms, figure: milliseconds(totals.p95Ms), alert: false },
    crashes,
  ];
}

/**
 * The lines `berth metrics` prints: a header, a sparkline row per series with its key figure,
 * then a line per process type. Pure: the printer decides colour, `columns` the width.
 */
export function metricsView(metrics: AppMetrics, options: MetricsViewOptions): string[] {
  const { printer } = options;
  const series = seriesOf(metrics);
  const labels = [...series.map((s) => s.label), ...metrics.processes.map((process) => process.type)];
  const labelWidth = Math.max(...labels.map(width)) + gap.length;
  const figureWidth = Math.max(...series.map((s) => width(s.figure)));
  // One column spare: a line exactly as wide as the terminal wraps on some of them.
  const sparkWidth = Math.max(10, options.columns - 1 - labelWidth - gap.length - figureWidth);
  const points = combinePoints(metrics.points, sparkWidth);
  const stepSeconds = metrics.stepSeconds * pointsPerColumn(metrics.points.length, sparkWidth);

  const when = periodOf(metrics);
  const lines = [printer.style("bold", `${metrics.app} — last ${when}, ${steps(stepSeconds)}, ${plural(metrics.routers, "router")}`)];
  if (metrics.totals.requests === 0) {
    const where = options.url ? `its URL is ${options.url}` : `open it with \`berth open -a ${metrics.app}\``;
    lines.push(`no requests reached ${metrics.app} in the last ${when} — ${where}`);
  }
  for (const s of series) {
    const style: Style | undefined = s.alert ? "red" : undefined;
    const bars = paint(printer, sparkline(points.map(s.value)), style);
    lines.push(`${s.label.padEnd(labelWidth)}${bars}${gap}${style ? printer.style(style, s.figure) : s.figure}`);
  }
  for (const process of metrics.processes) lines.push(`${process.type.padEnd(labelWidth)}${processLine(printer, process)}`);
  return lines;
}

/** Bars in the row's colour, the steps without data dimmed. */
function paint(printer: Printer, line: string, style: Style | undefined): string {
  return line.replace(/·+|[^·]+/g, (run) =>
    run.startsWith(NO_DATA) ? printer.style("dim", run) : style ? printer.style(style, run) : run,
  );
}

/** `2 crashes · memory 180 MB of 512 MB (2 instances)`. */
function processLine(printer: Printer, process: ProcessMetrics): string {
  const crashes = plural(process.crashes, "crash", "crashes");
  const memory = process.memory;
  const used =
    memory === undefined
      ? "memory n/a"
      : `memory ${bytes(memory.usedBytes)}${memory.limitBytes === null ? ", no limit" : ` of ${bytes(memory.limitBytes)}`} (${plural(memory.instances, "instance")})`;
  return `${process.crashes > 0 ? printer.style("red", crashes) : crashes} · ${used}`;
}
