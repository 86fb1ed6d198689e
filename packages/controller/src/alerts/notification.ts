/**
 * One message about one alert, in the form every channel (webhook, Slack) formats. Built once when
 * the alert changes state and stored as it is, so every retry of a delivery sends the same content.
 */
export interface Notification {
  /** Unique per notification; becomes the `webhook-id` header and the delivery's id. */
  id: string;
  app: string;
  /** `http://<app>.<domain>` */
  appUrl: string;
  /** `summary` reads like "5xx share above 5% over 5m (at least 20 requests)". */
  rule: { id: string; kind: string; summary: string };
  status: "firing" | "resolved" | "event" | "test";
  /** The measurement behind the alert, e.g. "5xx 12% of 840 requests over 5 m". */
  figure: string;
  /** ISO timestamps. */
  startsAt: string;
  endsAt: string | null;
  /** The release that was live when the alert started. */
  release: { version: number; deployedAt: string | null } | null;
  /** e.g. "berth rollback v6 -a myapp"; null when there is nothing to roll back to. */
  rollbackCommand: string | null;
  /** When the notification was made (ISO); texts measure ages from it, so a retry reads the same. */
  time: string;
  /**
   * Other rules of the same app whose state changed at the same evaluation: one notification per
   * app and evaluation, as Alertmanager groups, rather than one per rule. Absent when none.
   */
  group?: GroupedAlert[];
}

/** One more alert in a grouped notification. */
export interface GroupedAlert {
  rule: { id: string; kind: string; summary: string };
  status: "firing" | "resolved";
  figure: string;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? "" : "s"} ago`;
}

/**
 * How long before `nowMs` the time `fromIso` was, as people say it: "just now", "12 minutes ago",
 * "5 hours ago", "3 days ago". Minutes are kept up to two hours because "1 hour ago" for 119 minutes
 * misleads someone deciding whether a deploy caused an alert. A time slightly in the future (clock
 * skew between controllers) reads "just now".
 */
export function describeAge(fromIso: string, nowMs: number): string {
  const fromMs = Date.parse(fromIso);
  if (Number.isNaN(fromMs)) throw new TypeError(`describeAge: "${fromIso}" is not an ISO timestamp; pass a Date#toISOString() value`);
  const elapsed = nowMs - fromMs;
  if (elapsed < MINUTE_MS) return "just now";
  if (elapsed < 2 * HOUR_MS) return plural(Math.floor(elapsed / MINUTE_MS), "minute");
  if (elapsed < 2 * DAY_MS) return plural(Math.floor(elapsed / HOUR_MS), "hour");
  return plural(Math.floor(elapsed / DAY_MS), "day");
}
