import test from "ava";
import { DEFAULT_RETRY_SCHEDULE_MS, MAX_RETRY_AFTER_MS, nextAttemptDelayMs } from "../../src/alerts/retry.ts";

const failed = { ok: false, gone: false, retryAfterMs: null };
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

test("failed attempts are retried after 5 s, 5 m, 30 m, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h, then given up", (t) => {
  const delays = Array.from({ length: 11 }, (_, i) => nextAttemptDelayMs(i + 1, failed));
  t.deepEqual(delays, [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 14 * HOUR, 20 * HOUR, 24 * HOUR, null, null]);
  t.is(DEFAULT_RETRY_SCHEDULE_MS.length, 9, "ten attempts in all");
});

test("a success or a 410 Gone is not retried", (t) => {
  t.is(nextAttemptDelayMs(1, { ...failed, ok: true }), null);
  t.is(nextAttemptDelayMs(1, { ...failed, gone: true }), null);
  t.is(nextAttemptDelayMs(3, { ...failed, gone: true, retryAfterMs: 60_000 }), null);
});

test("a Retry-After longer than the scheduled wait wins, a shorter one does not", (t) => {
  t.is(nextAttemptDelayMs(1, { ...failed, retryAfterMs: 7000 }), 7000);
  t.is(nextAttemptDelayMs(1, { ...failed, retryAfterMs: 1000 }), 5 * SECOND);
  t.is(nextAttemptDelayMs(2, { ...failed, retryAfterMs: 0 }), 5 * MINUTE);
});

test("a Retry-After is honoured up to 24 h", (t) => {
  t.is(nextAttemptDelayMs(1, { ...failed, retryAfterMs: 3 * 24 * HOUR }), MAX_RETRY_AFTER_MS);
  t.is(MAX_RETRY_AFTER_MS, 24 * HOUR);
});

test("once the schedule is used up, a Retry-After does not bring another attempt", (t) => {
  t.is(nextAttemptDelayMs(10, { ...failed, retryAfterMs: 7000 }), null);
});

test("a shorter schedule can be given, as tests of delivery loops do", (t) => {
  t.deepEqual(
    [1, 2, 3].map((attempt) => nextAttemptDelayMs(attempt, failed, [10, 20])),
    [10, 20, null],
  );
});

test("an attempt number below 1 is a programming error", (t) => {
  t.throws(() => nextAttemptDelayMs(0, failed), { instanceOf: RangeError });
  t.throws(() => nextAttemptDelayMs(1.5, failed), { instanceOf: RangeError });
});
