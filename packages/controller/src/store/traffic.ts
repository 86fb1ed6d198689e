import type { TrafficBucket } from "@berth/api";
import type { Executor, TrafficRow } from "./schema.ts";

/**
 * Keeps a router's buckets (`source` = `<router>#<boot>`): each replaces what that source said
 * before about that app and minute, unless it says less (a report that arrives late, after a newer
 * one). Buckets of apps that are not in the store (destroyed meanwhile) are dropped.
 */
export async function saveTraffic(db: Executor, source: string, buckets: readonly TrafficBucket[]): Promise<number> {
  if (buckets.length === 0) return 0;
  const names = [...new Set(buckets.map((b) => b.app))];
  const known = new Set((await db.selectFrom("apps").select("id").where("id", "in", names).execute()).map((r) => r.id));
  const rows = buckets
    .filter((b) => known.has(b.app))
    .map((b) => ({
      app_id: b.app,
      start: b.start,
      source,
      requests: b.requests,
      errors: b.errors,
      latency: JSON.stringify(b.latency),
      latency_sum_ms: b.latencySumMs,
    }));
  // Batches keep each statement under SQLite's limit of bound parameters.
  for (let i = 0; i < rows.length; i += 100) {
    await db
      .insertInto("traffic")
      .values(rows.slice(i, i + 100))
      .onConflict((oc) =>
        oc
          .columns(["app_id", "start", "source"])
          .doUpdateSet((eb) => ({
            requests: eb.ref("excluded.requests"),
            errors: eb.ref("excluded.errors"),
            latency: eb.ref("excluded.latency"),
            latency_sum_ms: eb.ref("excluded.latency_sum_ms"),
          }))
          .where("traffic.requests", "<=", (eb) => eb.ref("excluded.requests")),
      )
      .execute();
  }
  return rows.length;
}

/** The app's buckets from every source whose minute starts at or after `since` (ms), oldest first. */
export function trafficSince(db: Executor, appId: string, since: number): Promise<TrafficRow[]> {
  return db.selectFrom("traffic").selectAll().where("app_id", "=", appId).where("start", ">=", since).orderBy("start").execute();
}

/** Forgets every bucket whose minute started before `before` (ms); answers how many. */
export async function pruneTraffic(db: Executor, before: number): Promise<number> {
  const result = await db.deleteFrom("traffic").where("start", "<", before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
