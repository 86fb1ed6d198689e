import { METRICS_BUCKET_MS, METRICS_LATENCY_BOUNDS_MS } from "@berth/api";
import test from "ava";
import { AppTraffic } from "../src/traffic.ts";

const minute = 29_000_000 * METRICS_BUCKET_MS;

test("counts an app's requests per minute: 5xx as errors, each latency in its bucket", (t) => {
  const traffic = new AppTraffic("shop");
  traffic.observe(200, 3, minute + 1000);
  traffic.observe(503, 120, minute + 2000);
  traffic.observe(200, 90_000, minute + 59_999);
  const [bucket, ...rest] = traffic.pending().buckets;
  t.deepEqual(rest, []);
  t.like(bucket, { app: "shop", start: minute, requests: 3, errors: 1, latencySumMs: 90_123 });
  t.is(bucket!.latency.length, METRICS_LATENCY_BOUNDS_MS.length + 1);
  t.is(bucket!.latency[0], 1, "3 ms is in the first (≤ 5 ms) bucket");
  t.is(bucket!.latency[METRICS_LATENCY_BOUNDS_MS.indexOf(150)], 1, "120 ms in the ≤ 150 ms one");
  t.is(bucket!.latency.at(-1), 1, "90 s in the unbounded one");
});

test("a report carries the ended minutes and the open one; what was acknowledged is not sent again", (t) => {
  const traffic = new AppTraffic("shop");
  traffic.observe(200, 1, minute + 10);
  traffic.observe(200, 1, minute + METRICS_BUCKET_MS + 10);
  const first = traffic.pending();
  t.deepEqual(
    first.buckets.map((b) => [b.start, b.requests]),
    [
      [minute, 1],
      [minute + METRICS_BUCKET_MS, 1],
    ],
  );
  first.acknowledge();
  t.deepEqual(traffic.pending().buckets, [], "nothing changed since");
  traffic.observe(500, 1, minute + METRICS_BUCKET_MS + 20);
  t.deepEqual(
    traffic.pending().buckets.map((b) => [b.start, b.requests, b.errors]),
    [[minute + METRICS_BUCKET_MS, 2, 1]],
    "the open minute again, with all its figures (they replace the earlier ones)",
  );
});

test("what the controller did not take is sent again, with what came since", (t) => {
  const traffic = new AppTraffic("shop");
  traffic.observe(200, 1, minute);
  traffic.pending(); // lost: never acknowledged
  traffic.observe(200, 1, minute + 5);
  traffic.observe(200, 1, minute + METRICS_BUCKET_MS);
  t.deepEqual(
    traffic.pending().buckets.map((b) => [b.start, b.requests]),
    [
      [minute, 2],
      [minute + METRICS_BUCKET_MS, 1],
    ],
  );
});

test("a minute that ends while its report is on the way keeps what came after the report", (t) => {
  const traffic = new AppTraffic("shop");
  traffic.observe(200, 1, minute);
  const report = traffic.pending();
  traffic.observe(200, 1, minute + 100); // after the report was taken
  traffic.observe(200, 1, minute + METRICS_BUCKET_MS); // the minute ends
  report.acknowledge();
  t.deepEqual(
    traffic.pending().buckets.map((b) => [b.start, b.requests]),
    [
      [minute, 2],
      [minute + METRICS_BUCKET_MS, 1],
    ],
  );
});

test("keeps at most an hour of ended minutes the controller has not taken", (t) => {
  const traffic = new AppTraffic("shop");
  for (let i = 0; i < 90; i++) traffic.observe(200, 1, minute + i * METRICS_BUCKET_MS);
  const starts = traffic.pending().buckets.map((b) => b.start);
  t.is(starts.length, 61, "60 ended minutes and the open one");
  t.is(starts[0], minute + 29 * METRICS_BUCKET_MS, "the oldest went first");
});
