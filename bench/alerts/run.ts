// How long evaluating alert rules takes per app at 1,000 apps: every app with an errors, a latency,
// a crashes and a deploy-failed rule, ten minutes of traffic from two routers and a few crashes, on
// SQLite (or PostgreSQL with BERTH_BENCH_DATABASE_URL). The reference, measured in the same run, is
// reading the same data straight from the store (one traffic and one crash query per app): the ratio
// says what the evaluation adds to the reads it cannot avoid. Engine calls (`down` and `memory` rules
// ask the scheduler) are not part of it.
//   node bench/alerts/run.ts [apps] [rounds]      (pnpm bench:alerts)
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { METRICS_BUCKET_MS, METRICS_LATENCY_BOUNDS_MS } from "../../packages/api/src/index.ts";
import { AlertEvaluator } from "../../packages/controller/src/alerts/evaluator.ts";
import { createJsonLogger } from "../../packages/controller/src/logger.ts";
import { eventsOfKind } from "../../packages/controller/src/store/app-events.ts";
import { openStore } from "../../packages/controller/src/store/open.ts";
import { trafficSince } from "../../packages/controller/src/store/traffic.ts";

const apps = Number(process.argv[2] ?? 1000);
const rounds = Number(process.argv[3] ?? 5);
const dir = await mkdtemp(join(tmpdir(), "berth-bench-alerts-"));
const store = await openStore({ dataDir: dir, databaseUrl: process.env.BERTH_BENCH_DATABASE_URL });
const db = store.db;
const now = Date.now();
const minute = now - (now % METRICS_BUCKET_MS);
const iso = new Date(now - 3_600_000).toISOString();

console.log(
  `bench/alerts: ${apps} apps on ${store.backend}, ${rounds} rounds; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
await db.insertInto("users").values({ id: "u", username: "bench", email: "", password_hash: "", is_admin: 1, created: iso }).execute();
for (let i = 0; i < apps; i += 100) {
  const ids = Array.from({ length: Math.min(100, apps - i) }, (_, k) => `app-${i + k}`);
  await db
    .insertInto("apps")
    .values(ids.map((id) => ({ id, owner_id: "u", structure: '{"web":2}', created: iso, updated: iso })))
    .execute();
  const rules = ids.flatMap((id) =>
    (
      [
        ["errors", 5, 300, 60, 20],
        ["latency", 1000, 300, 120, 20],
        ["crashes", 3, 600, 0, null],
        ["deploy-failed", null, null, 0, null],
      ] as [string, number | null, number | null, number, number | null][]
    ).map(([kind, threshold, window, forS, min], n) => ({
      id: `r-${id}-${n}`,
      app_id: id,
      kind,
      threshold,
      window_s: window,
      for_s: forS,
      min_requests: min,
      channels: "[]",
      enabled: 1,
      state: "ok",
      state_since: iso,
      clear_since: null,
      figure: null,
      silenced_until: null,
      notified: null,
      cursor: iso,
      created: iso,
    })),
  );
  await db.insertInto("alert_rules").values(rules).execute();
  const latency = JSON.stringify([...METRICS_LATENCY_BOUNDS_MS.map((_, k): number => (k < 6 ? 50 : 1)), 0]);
  const traffic = ids.flatMap((id) =>
    Array.from({ length: 20 }, (_, k) => ({
      app_id: id,
      start: minute - Math.floor(k / 2) * METRICS_BUCKET_MS,
      source: `router-${k % 2}#b`,
      requests: 320,
      errors: 3,
      latency,
      latency_sum_ms: 9000,
    })),
  );
  for (let k = 0; k < traffic.length; k += 500)
    await db
      .insertInto("traffic")
      .values(traffic.slice(k, k + 500))
      .execute();
  const crashes = ids.map((id, k) => ({
    id: `e-${id}`,
    app_id: id,
    time: new Date(now - (k % 10) * 60_000).toISOString(),
    kind: "crash",
    release: "v2",
    message: "web.1 exited",
    process: "web",
  }));
  await db.insertInto("app_events").values(crashes).execute();
}

const logger = createJsonLogger(() => {}, "error");
const evaluator = new AlertEvaluator(
  db,
  logger,
  { pods: async () => [], memory: async () => undefined },
  { tickMs: 15_000, appUrlTemplate: "http://{app}.localhost" },
);
const ids = Array.from({ length: apps }, (_, k) => `app-${k}`);
const reads = async () => {
  for (const id of ids) {
    await trafficSince(db, id, now - 660_000);
    await eventsOfKind(db, id, "crash", new Date(now - 660_000).toISOString());
  }
};

const time = async (work: () => Promise<unknown>) => {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e6;
};
const rows: { reference: number; evaluation: number }[] = [];
for (let r = 0; r < rounds; r++) rows.push({ reference: await time(reads), evaluation: await time(() => evaluator.tick()) });
for (const [i, row] of rows.entries()) {
  console.log(
    `round ${i + 1}: evaluation ${(row.evaluation / apps).toFixed(2)} ms per app (${(row.evaluation / 1000).toFixed(2)} s for all), ` +
      `reads alone ${(row.reference / apps).toFixed(2)} ms per app — ${(row.evaluation / row.reference).toFixed(2)}×`,
  );
}
const sorted = rows.map((r) => r.evaluation / apps).sort((a, b) => a - b);
console.log(
  `median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)} ms per app; a tick of every rule takes ${((sorted[Math.floor(sorted.length / 2)]! * apps) / 1000).toFixed(1)} s (tick 15 s)`,
);
await store.close();
await rm(dir, { recursive: true, force: true });
