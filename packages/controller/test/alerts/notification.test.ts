import test from "ava";
import { describeAge } from "../../src/alerts/notification.ts";

const NOW = Date.parse("2026-05-04T12:00:00.000Z");
const ago = (ms: number) => describeAge(new Date(NOW - ms).toISOString(), NOW);

test("ages read as people say them, in minutes up to two hours, then hours, then days", (t) => {
  t.is(ago(0), "just now");
  t.is(ago(59_000), "just now");
  t.is(ago(60_000), "1 minute ago");
  t.is(ago(12 * 60_000 + 30_000), "12 minutes ago");
  t.is(ago(119 * 60_000), "119 minutes ago");
  t.is(ago(2 * 3_600_000), "2 hours ago");
  t.is(ago(47 * 3_600_000), "47 hours ago");
  t.is(ago(48 * 3_600_000), "2 days ago");
});

test("a time a little in the future, from clock skew, reads as just now", (t) => {
  t.is(ago(-5000), "just now");
});

test("a text that is not a timestamp is refused", (t) => {
  t.throws(() => describeAge("yesterday", NOW), { instanceOf: TypeError, message: /"yesterday" is not an ISO timestamp/ });
});
