import type { DeliveryResult } from "./deliver.ts";

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * The waits before attempts 2, 3, … of a delivery, as Standard Webhooks recommends (the first attempt
 * goes out at once): 5 s, 5 m, 30 m, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h — ten attempts over about 3 days.
 */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [
  5 * SECOND_MS,
  5 * MINUTE_MS,
  30 * MINUTE_MS,
  2 * HOUR_MS,
  5 * HOUR_MS,
  10 * HOUR_MS,
  14 * HOUR_MS,
  20 * HOUR_MS,
  24 * HOUR_MS,
];

/** The longest wait a receiver's `Retry-After` can ask for; beyond it, an alert is not worth sending. */
export const MAX_RETRY_AFTER_MS = 24 * HOUR_MS;

/**
 * How long to wait before the next attempt, after attempt `attempt` (1-based) ended with `result`;
 * null to give up: on success, on 410 Gone, or once the schedule is used up. A receiver's
 * `Retry-After` longer than the scheduled wait is honoured, up to MAX_RETRY_AFTER_MS; a shorter one is
 * not, so a receiver cannot make us retry faster than the schedule.
 */
export function nextAttemptDelayMs(
  attempt: number,
  result: Pick<DeliveryResult, "ok" | "gone" | "retryAfterMs">,
  schedule: readonly number[] = DEFAULT_RETRY_SCHEDULE_MS,
): number | null {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be a whole number from 1, got ${attempt}`);
  if (result.ok || result.gone) return null;
  const scheduled = schedule[attempt - 1];
  if (scheduled === undefined) return null;
  return Math.max(scheduled, Math.min(result.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
}
