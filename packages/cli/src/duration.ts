const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** A unit a duration may be written in: seconds, minutes, hours, days. */
export type DurationUnit = keyof typeof UNIT_SECONDS;

const ALL_UNITS: readonly DurationUnit[] = ["s", "m", "h", "d"];

const isUnit = (text: string, units: readonly DurationUnit[]): text is DurationUnit => (units as readonly string[]).includes(text);

/**
 * `30s`, `5m`, `1h`, `7d` → seconds; undefined when `raw` is not a whole number and one of `units`.
 * One unit only (`90m`, not `1h30m`), as the controller's `?since=` takes it.
 */
export function parseDuration(raw: string, units: readonly DurationUnit[] = ALL_UNITS): number | undefined {
  const match = /^(0|[1-9][0-9]{0,6})([a-z])$/.exec(raw);
  const unit = match?.[2];
  if (unit === undefined || !isUnit(unit, units)) return undefined;
  return Number(match?.[1]) * UNIT_SECONDS[unit];
}

/** 300 → `5m`, 90 → `90s`, 7200 → `2h`: the largest unit the seconds are a whole number of, as typed. */
export function formatDuration(seconds: number): string {
  for (const unit of ["d", "h", "m"] as const) {
    if (seconds > 0 && seconds % UNIT_SECONDS[unit] === 0) return `${seconds / UNIT_SECONDS[unit]}${unit}`;
  }
  return `${seconds}s`;
}
