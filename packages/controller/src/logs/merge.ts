import type { LogEntry } from "@berth/api";
import type { LogLine } from "../scheduler/types.ts";
import type { AppEventRow } from "../store/schema.ts";

export function fromInstance(line: LogLine): LogEntry {
  return { time: line.time, source: "app", tag: line.tag, line: line.line };
}

export function fromEvent(row: AppEventRow): LogEntry {
  return { time: row.time, source: "berth", tag: row.kind, line: row.message };
}

/**
 * A sortable form of an ISO time: engines give nanoseconds (`…:05.123456789Z`), the controller
 * milliseconds (`…:05.123Z`); both become `…:05.123456789`.
 */
export function timeKey(time: string): string {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(time);
  if (!match) return time;
  return `${match[1]}.${(match[2] ?? "").padEnd(9, "0").slice(0, 9)}`;
}

/** Instance lines and events in one time order, the last `limit` of them. */
export function mergeLogs(lines: LogEntry[], events: LogEntry[], limit: number): LogEntry[] {
  const all = [...lines, ...events];
  all.sort((a, b) => (timeKey(a.time) < timeKey(b.time) ? -1 : timeKey(a.time) > timeKey(b.time) ? 1 : 0));
  return all.slice(Math.max(0, all.length - limit));
}
