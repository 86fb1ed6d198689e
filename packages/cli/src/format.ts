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
