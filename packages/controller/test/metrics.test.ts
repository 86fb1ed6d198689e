import {
  METRICS_BUCKET_MS,
  METRICS_LATENCY_BOUNDS_MS,
  ROUTER_KEY_HEADER,
  ROUTER_METRICS_PATH,
  type RouterMetricsReport,
  type TrafficBucket,
} from "@berth/api";
import test from "ava";
import { createJsonLogger } from "../src/logger.ts";
import { quantile } from "../src/metrics/histogram.ts";
import { TrafficHistory } from "../src/metrics/history.ts";
import { insertEvent } from "../src/store/app-events.ts";
import { eachBackend, rejects } from "./helpers/backend-test.ts";
import { freshStore } from "./helpers/backends.ts";
import { ROUTER_KEY, startController } from "./helpers/controller.ts";

const slots = METRICS_LATENCY_BOUNDS_MS.length + 1;

/** A bucket of `requests` requests, all of them taking about `ms` (in the bucket bounded by `ms`). */
function bucket(app: string, start: number, requests: number, errors: number, ms = 50): TrafficBucket {
  const latency = new Array<number>(slots).fill(0);
  latency[METRICS_LATENCY_BOUNDS_MS.findIndex((b) => b >= ms)] = requests;
  return { app, start, requests, errors, latency, latencySumMs: requests * ms };
}

const minuteAgo = (n: number) => {
  const now = Date.now();
  return now - (now % METRICS_BUCKET_MS) - n * METRICS_BUCKET_MS;
};

async function report(url: string, body: RouterMetricsReport | object, key = ROUTER_KEY): Promise<Response> {
  return fetch(`${url}${ROUTER_METRICS_PATH}`, {
    method: "POST",
    headers: { [ROUTER_KEY_HEADER]: key, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

test("percentiles are read from the histogram, interpolated within a bucket", (t) => {
  const counts = new Array<number>(slots).fill(0);
  t.is(quantile(counts, 0.5), null, "no requests, no percentile");
  counts[METRICS_LATENCY_BOUNDS_MS.indexOf(100)] = 100; // 75–100 ms
  t.is(quantile(counts, 0.5), 87.5);
  t.is(quantile(counts, 0.99), 99.8);
  counts[slots - 1] = 100; // beyond the last bound
  t.is(quantile(counts, 0.99), 30_000, "the unbounded bucket reads as its lower bound");
});

eachBackend("every router's counts add up per minute; a repeated report replaces, never adds", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  await alice.apps.create("shop");
  const m1 = minuteAgo(3);
  const m2 = minuteAgo(2);
  t.is((await report(h.url, { router: "r1", boot: "a", buckets: [bucket("shop", m1, 10, 1)] })).status, 204);
  // The same minute again from r1, grown (its open minute in the next report): replaces.
  await report(h.url, { router: "r1", boot: "a", buckets: [bucket("shop", m1, 40, 4), bucket("shop", m2, 5, 0)] });
  // A late report of r1's with older, smaller figures: ignored.
  await report(h.url, { router: "r1", boot: "a", buckets: [bucket("shop", m1, 20, 2)] });
  // Another replica, and r1 again after a restart (a new boot): both add.
  await report(h.url, { router: "r2", boot: "b", buckets: [bucket("shop", m1, 30, 0, 500)] });
  await report(h.url, { router: "r1", boot: "c", buckets: [bucket("shop", m2, 3, 3)] });
  // An app that is not there (destroyed meanwhile) is dropped without failing the report.
  t.is((await report(h.url, { router: "r1", boot: "a", buckets: [bucket("gone", m1, 9, 9)] })).status, 204);

  const metrics = await alice.metrics("shop", { since: "30m" });
  t.is(metrics.stepSeconds, 60);
  t.is(metrics.points.length, 30);
  t.is(metrics.routers, 2, "r1 (two starts) and r2");
  const byTime = new Map(metrics.points.map((p) => [Date.parse(p.time), p]));
  t.like(byTime.get(m1), { requests: 70, errors: 4 });
  t.like(byTime.get(m2), { requests: 8, errors: 3 });
  t.like(metrics.totals, { requests: 78, errors: 7, crashes: 0 });
  t.is(metrics.totals.errorShare, 7 / 78);
  t.true(metrics.totals.p95Ms! > 300 && metrics.totals.p95Ms! <= 500, `p95 ${metrics.totals.p95Ms} in r2's 300–500 ms bucket`);
  t.true(metrics.totals.p50Ms! <= 50, `p50 ${metrics.totals.p50Ms}`);
  t.is(byTime.get(minuteAgo(10))?.requests, 0, "a quiet minute is a point with no requests");
  t.is(byTime.get(minuteAgo(10))?.p95Ms, null);
});

eachBackend("metrics reports are for routers only and are checked field by field", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  await alice.apps.create("shop");
  const good = { router: "r1", boot: "a", buckets: [bucket("shop", minuteAgo(1), 1, 0)] };
  t.is((await report(h.url, good, "wrong")).status, 401);
  const bad: [object, string][] = [
    [{ ...good, extra: 1 }, "extra"],
    [{ ...good, boot: "" }, "router"],
    [{ ...good, buckets: [{ ...good.buckets[0], start: 1234 }] }, "buckets[0].start"],
    [{ ...good, buckets: [{ ...good.buckets[0], errors: 2 }] }, "buckets[0].requests"],
    [{ ...good, buckets: [{ ...good.buckets[0], latency: [1, 2] }] }, "buckets[0].latency"],
    [{ ...good, buckets: "many" }, "buckets"],
  ];
  for (const [body, field] of bad) {
    const response = await report(h.url, body);
    t.is(response.status, 400, field);
    t.is(((await response.json()) as { error: { field: string } }).error.field, field);
  }
  t.is((await alice.metrics("shop")).totals.requests, 0, "nothing of the refused reports was kept");
});

eachBackend("an app's metrics count its crashes per process type, and only its people see them", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  const bob = await h.user("bob");
  await alice.apps.create("shop");
  const time = new Date(minuteAgo(5) + 1000).toISOString();
  await insertEvent(h.store.db, { app: "shop", kind: "crash", message: "web.1 exited", process: "web", release: "v2", time });
  await insertEvent(h.store.db, { app: "shop", kind: "crash", message: "worker.1 exited", process: "worker", time });
  const metrics = await alice.metrics("shop");
  t.is(metrics.totals.crashes, 2);
  t.deepEqual(
    metrics.processes.map((p) => [p.type, p.crashes]),
    [
      ["web", 1],
      ["worker", 1],
    ],
  );
  t.is(metrics.points.find((p) => Date.parse(p.time) === minuteAgo(5))?.crashes, 2);
  await rejects(t, bob.metrics("shop"), 403, "FORBIDDEN");
  await rejects(t, alice.metrics("nope"), 404, "APP_NOT_FOUND");
  for (const since of ["2d", "0m", "25h", "1w", "-1h"]) {
    const e = await rejects(t, alice.metrics("shop", { since }), 400, "VALIDATION_FAILED");
    t.is(e.field, "since");
  }
  const day = await alice.metrics("shop", { since: "24h" });
  t.is(day.stepSeconds, 900);
  t.is(day.points.length, 96);
});

eachBackend("the history forgets buckets older than a day", async (t, backend) => {
  const { store, dispose } = await freshStore(backend);
  t.teardown(dispose);
  const logger = createJsonLogger(() => {}, "error");
  await store.db.insertInto("users").values({ id: "u", username: "u", email: "", password_hash: "", is_admin: 1, created: "" }).execute();
  await store.db.insertInto("apps").values({ id: "shop", owner_id: "u", structure: "{}", created: "", updated: "" }).execute();
  let now = minuteAgo(0);
  const history = new TrafficHistory(store.db, logger, { now: () => now, pruneEveryMs: 0 });
  await history.record({ router: "r", boot: "a", buckets: [bucket("shop", now - 10 * METRICS_BUCKET_MS, 5, 0)] });
  now += 25 * 60 * METRICS_BUCKET_MS;
  await history.record({ router: "r", boot: "a", buckets: [bucket("shop", now, 1, 0)] });
  const rows = await store.db.selectFrom("traffic").select("start").execute();
  t.deepEqual(
    rows.map((r) => Number(r.start)),
    [now],
  );
});
