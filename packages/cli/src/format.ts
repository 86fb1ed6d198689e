import type { Formation } from "@berth/api";

/** `2026-11-25 21:46 UTC`: stable, sortable and short enough for tables. */
export function when(timestamp: string): string {
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) return timestamp;
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** `web=2 worker=1`, or `none`. */
export function formation(structure: Formation): string {
  const entries = Object.entries(structure).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? "none" : entries.map(([type, count]) => `${type}=${count}`).join(" ");
}

/** How long ago, in the largest whole unit: `45s`, `12m`, `3h`, `5d`; `-` when not known. */
export function age(timestamp: string | null, now = Date.now()): string {
  if (timestamp === null) return "-";
  const seconds = Math.max(0, Math.floor((now - new Date(timestamp).getTime()) / 1000));
  if (Number.isNaN(seconds)) return "-";
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}
