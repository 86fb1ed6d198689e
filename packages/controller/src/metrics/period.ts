import { invalid } from "../errors.ts";

const MINUTE = 60_000;
/** The longest period the history keeps and `?since=` may ask for. */
export const HISTORY_MS = 24 * 60 * MINUTE;

/** `30m`, `1h`, `6h`, `24h` → ms (at least a minute, at most {@link HISTORY_MS}); default 1 h. */
export function parseSince(value: string | string[] | undefined): number {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text === "") return 60 * MINUTE;
  const match = /^(\d{1,4})(m|h)$/.exec(text);
  const ms = match === null ? Number.NaN : Number(match[1]) * (match[2] === "h" ? 60 : 1) * MINUTE;
  if (!(ms >= MINUTE && ms <= HISTORY_MS)) {
    throw invalid("since", `"${text.slice(0, 20)}" is not a period from 1m to 24h`, "e.g. 30m, 1h, 6h or 24h");
  }
  return ms;
}

/** Width of one point for a period: about 60 points or fewer, in whole minutes. */
export function stepFor(periodMs: number): number {
  if (periodMs <= 60 * MINUTE) return MINUTE;
  if (periodMs <= 6 * 60 * MINUTE) return 5 * MINUTE;
  return 15 * MINUTE;
}
