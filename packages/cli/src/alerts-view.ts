import type { AlertChannel, AlertDelivery, AlertHistoryEntry, AlertRule, ChannelTestResult } from "@berth/api";
import { formatDuration } from "./duration.ts";
import { age, when } from "./format.ts";
import { type Printer, width } from "./output.ts";
import { milliseconds } from "./metrics-view.ts";

/** A table row, and optionally a line under it that starts at column `detailAt` (long text that would not fit). */
interface Row {
  cells: string[];
  detail?: string;
}

/** Columns aligned on the widest cell, as Printer.table, with each row's detail line indented under a column. */
function table(printer: Printer, headers: string[], rows: Row[], detailAt: number): string[] {
  const widths = headers.map((header, i) => Math.max(width(header), ...rows.map((row) => width(row.cells[i] ?? ""))));
  const format = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell + " ".repeat((widths[i] ?? 0) - width(cell))))
      .join("  ")
      .trimEnd();
  const indent = " ".repeat(widths.slice(0, detailAt).reduce((sum, w) => sum + w + 2, 0));
  const lines = [printer.style("bold", format(headers.map((header) => header.toUpperCase())))];
  for (const row of rows) {
    lines.push(format(row.cells));
    if (row.detail !== undefined) lines.push(`${indent}${row.detail}`);
  }
  return lines;
}

/** `14:05 UTC` for a time later today (UTC), else the full `2026-11-26 14:05 UTC`. */
export function clock(timestamp: string, now: number): string {
  const full = when(timestamp);
  return full.slice(0, 10) === new Date(now).toISOString().slice(0, 10) ? full.slice(11) : full;
}

/** How long until a time: `in 4m`; `now` once it is due; `-` when there is none. */
export function inTime(timestamp: string | null, now: number): string {
  if (timestamp === null) return "-";
  const due = new Date(timestamp).getTime();
  return due <= now ? "now" : `in ${age(new Date(now).toISOString(), due)}`;
}

/** `FIRING` (red), `pending` (yellow), `ok`; a disabled rule is `disabled` whatever its last state. */
export function ruleState(printer: Printer, rule: AlertRule): string {
  if (!rule.enabled) return printer.style("dim", "disabled");
  if (rule.state === "firing") return printer.style("red", "FIRING");
  if (rule.state === "pending") return printer.style("yellow", "pending");
  return "ok";
}

/** Whether a silence is still running at `now`. */
export function silenced(rule: AlertRule, now: number): rule is AlertRule & { silencedUntil: string } {
  return rule.silencedUntil !== null && new Date(rule.silencedUntil).getTime() > now;
}

/** The rules of `berth alerts`: one row each, its figure and silence on the line below the summary. */
export function rulesView(printer: Printer, rules: AlertRule[], now: number): string[] {
  return table(
    printer,
    ["id", "kind", "state", "summary"],
    rules.map((rule) => {
      const notes = [rule.figure, silenced(rule, now) ? `silenced until ${clock(rule.silencedUntil, now)}` : null].filter(
        (n) => n !== null,
      );
      const cells = [rule.id, rule.kind, ruleState(printer, rule), rule.summary];
      return notes.length === 0 ? { cells } : { cells, detail: printer.style("dim", notes.join(" · ")) };
    }),
    3,
  );
}

/** `enabled`, or `disabled: <why>` in red: the channel sends nothing until it is added again. */
export function channelStatus(printer: Printer, channel: AlertChannel): string {
  if (channel.enabled) return "enabled";
  return printer.style("red", channel.disabledReason === null ? "disabled" : `disabled: ${channel.disabledReason}`);
}

export function channelsView(printer: Printer, channels: AlertChannel[]): string[] {
  return table(
    printer,
    ["id", "type", "target", "status"],
    channels.map((channel) => ({ cells: [channel.id, channel.type, channel.target, channelStatus(printer, channel)] })),
    0,
  );
}

/** Everything about one rule, for `alerts:info`. */
export function ruleFields(printer: Printer, rule: AlertRule, channels: AlertChannel[], now: number): [string, string][] {
  const target = (id: string) => {
    const channel = channels.find((c) => c.id === id);
    return channel === undefined ? `${id} (removed)` : `${id} (${channel.type} ${channel.target})`;
  };
  return [
    ["kind", rule.kind],
    ["summary", rule.summary],
    ["state", `${ruleState(printer, rule)} since ${when(rule.stateSince)}`],
    ["figure", rule.figure ?? "-"],
    ["threshold", rule.threshold === null ? "-" : String(rule.threshold)],
    ["window", rule.windowSeconds === null ? "-" : formatDuration(rule.windowSeconds)],
    ["for", formatDuration(rule.forSeconds)],
    ["min requests", rule.minRequests === null ? "-" : String(rule.minRequests)],
    ["channels", rule.channels.length === 0 ? "every channel of the app" : rule.channels.map(target).join(", ")],
    ["enabled", rule.enabled ? "yes" : "no"],
    ["silenced", silenced(rule, now) ? `until ${when(rule.silencedUntil)}` : "no"],
    ["created", when(rule.created)],
  ];
}

/** `firing` red, `resolved` green: what changed at a glance. */
function change(printer: Printer, text: string): string {
  if (text === "firing") return printer.style("red", text);
  if (text === "resolved") return printer.style("green", text);
  return text;
}

const byTime =
  <T>(time: (item: T) => string) =>
  (a: T, b: T) =>
    new Date(time(a)).getTime() - new Date(time(b)).getTime();

/** `alerts:history`: oldest first, so the newest is last, next to the prompt, as in `berth logs`. */
export function historyView(printer: Printer, entries: AlertHistoryEntry[]): string[] {
  return table(
    printer,
    ["time", "rule", "kind", "change", "figure"],
    [...entries].sort(byTime((e) => e.time)).map((e) => ({ cells: [when(e.time), e.rule, e.kind, change(printer, e.change), e.figure] })),
    0,
  );
}

/** The last attempt: `503 in 2.1 s`, the error, or `-` before any. */
export function lastAttempt(delivery: AlertDelivery): string {
  const took = delivery.lastDurationMs === null ? "" : ` in ${milliseconds(delivery.lastDurationMs)}`;
  if (delivery.lastStatusCode !== null) return `${delivery.lastStatusCode}${took}`;
  if (delivery.lastError !== null) return delivery.lastError;
  return "-";
}

function deliveryStatus(printer: Printer, delivery: AlertDelivery): string {
  if (delivery.status === "failed") return printer.style("red", "failed");
  if (delivery.status === "pending") return printer.style("yellow", "pending");
  return "delivered";
}

/** `alerts:deliveries`: oldest first like the history; each notification's title on the line below. */
export function deliveriesView(printer: Printer, deliveries: AlertDelivery[], now: number): string[] {
  return table(
    printer,
    ["id", "created", "channel", "kind", "status", "tries", "next", "last answer"],
    [...deliveries].sort(byTime((d) => d.created)).map((d) => ({
      cells: [
        d.id,
        `${age(d.created, now)} ago`,
        d.channel,
        d.kind,
        deliveryStatus(printer, d),
        String(d.attempts),
        inTime(d.nextAttempt, now),
        lastAttempt(d),
      ],
      detail: printer.style("dim", d.title),
    })),
    1,
  );
}

/** What the receiver of a test answered: `answered 200 in 38 ms`, or why nothing came back. */
export function testAnswer(result: ChannelTestResult): string {
  // The controller's error is a sentence of its own: "connection refused by 203.0.113.7:443", "no answer within 15 s".
  if (result.status === null) return result.error ?? `no answer after ${milliseconds(result.durationMs)}`;
  const answer = `answered ${result.status} in ${milliseconds(result.durationMs)}`;
  const body = result.response.trim().replace(/\s+/g, " ");
  return result.ok || body === "" ? answer : `${answer}: ${JSON.stringify(body.slice(0, 200))}`;
}
