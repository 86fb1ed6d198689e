import { randomUUID } from "node:crypto";
import type { AppEvent } from "../rollout/app-events.ts";
import type { AppEventRow, Executor } from "./schema.ts";

/** Keeps an app event for its log stream; events of an app that is gone are dropped. */
export async function insertEvent(db: Executor, event: AppEvent): Promise<void> {
  await db
    .insertInto("app_events")
    .columns(["id", "app_id", "time", "kind", "release", "message", "process"])
    .expression((eb) =>
      eb
        .selectFrom("apps")
        .select([
          eb.val(randomUUID()).as("id"),
          "apps.id",
          eb.val(event.time).as("time"),
          eb.val(event.kind).as("kind"),
          eb.val(event.release ?? null).as("release"),
          eb.val(event.message).as("message"),
          eb.val(event.process ?? null).as("process"),
        ])
        .where("apps.id", "=", event.app),
    )
    .execute();
}

/** The app's newest `limit` events, oldest first. */
export async function recentEvents(db: Executor, appId: string, limit: number): Promise<AppEventRow[]> {
  const rows = await db
    .selectFrom("app_events")
    .selectAll()
    .where("app_id", "=", appId)
    .orderBy("time", "desc")
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.reverse();
}

/** The app's events after `time`, oldest first. */
export function eventsAfter(db: Executor, appId: string, time: string): Promise<AppEventRow[]> {
  return db
    .selectFrom("app_events")
    .selectAll()
    .where("app_id", "=", appId)
    .where("time", ">", time)
    .orderBy("time")
    .orderBy("id")
    .limit(1000)
    .execute();
}

/** The app's events of one kind at or after `time`, oldest first (crashes for metrics, failed builds for alerts). */
export function eventsOfKind(
  db: Executor,
  appId: string,
  kind: AppEvent["kind"],
  time: string,
): Promise<Pick<AppEventRow, "time" | "process" | "message">[]> {
  return db
    .selectFrom("app_events")
    .select(["time", "process", "message"])
    .where("app_id", "=", appId)
    .where("kind", "=", kind)
    .where("time", ">=", time)
    .orderBy("time")
    .limit(100_000)
    .execute();
}
