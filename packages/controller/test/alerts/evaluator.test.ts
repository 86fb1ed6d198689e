import { METRICS_BUCKET_MS, METRICS_LATENCY_BOUNDS_MS } from "@berth/api";
import { AlertEvaluator } from "../../src/alerts/evaluator.ts";
import type { Notification } from "../../src/alerts/notification.ts";
import { silentLogger } from "../../src/logger.ts";
import { eachBackend } from "../helpers/backend-test.ts";
import { startController } from "../helpers/controller.ts";

const slots = METRICS_LATENCY_BOUNDS_MS.length + 1;

eachBackend(
  "rules of one app that change at the same evaluation go out as one notification; a new evaluator on the same store adds none",
  async (t, backend) => {
    const h = await startController(t, backend, { alerts: { tickMs: 1000, allowPrivate: true } });
    const alice = await h.user("alice");
    await alice.apps.create("shop");
    const channel = await alice.alerts.channels.add("shop", { type: "slack", url: "http://127.0.0.1:9/hook" });
    const errors = await alice.alerts.add("shop", { kind: "errors", threshold: 10, windowSeconds: 60, forSeconds: 0, minRequests: 5 });
    const latency = await alice.alerts.add("shop", { kind: "latency", threshold: 500, windowSeconds: 60, forSeconds: 0, minRequests: 5 });
    // A minute of slow, failing requests through one router.
    const now = Date.now();
    const latencyCounts = new Array<number>(slots).fill(0);
    latencyCounts[METRICS_LATENCY_BOUNDS_MS.indexOf(1000)] = 50;
    await h.store.db
      .insertInto("traffic")
      .values({
        app_id: "shop",
        start: now - (now % METRICS_BUCKET_MS),
        source: "r#1",
        requests: 50,
        errors: 30,
        latency: JSON.stringify(latencyCounts),
        latency_sum_ms: 40_000,
      })
      .execute();
    const evaluate = () =>
      new AlertEvaluator(
        h.store.db,
        silentLogger,
        { pods: async () => [] },
        { tickMs: 1000, appUrlTemplate: "http://{app}.example.test" },
      ).tick();
    await evaluate();
    const deliveries = await h.store.db.selectFrom("alert_deliveries").selectAll().where("channel_id", "=", channel.id).execute();
    t.is(deliveries.length, 1, "one notification for both rules");
    const n = JSON.parse(deliveries[0]!.body) as Notification;
    t.deepEqual([n.rule.id, ...(n.group ?? []).map((g) => g.rule.id)].sort(), [errors.id, latency.id].sort());
    t.is(n.status, "firing");
    t.regex(JSON.stringify(n), /5xx 60% of 50 requests over 1 m/);
    t.regex(JSON.stringify(n), /p95 \d+ ms of 50 requests over 1 m/);
    t.is((await alice.alerts.get("shop", errors.id)).state, "firing");
    // As after a restart (or a new leader): the state is in the store, so nothing is sent again.
    await evaluate();
    await evaluate();
    t.is((await h.store.db.selectFrom("alert_deliveries").selectAll().execute()).length, 1);
  },
);
