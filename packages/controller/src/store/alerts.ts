import type { Updateable } from "kysely";
import type { AlertChannelRow, AlertDeliveryRow, AlertHistoryRow, AlertRuleRow, Database, Executor } from "./schema.ts";

/** Repository of alert rules, channels, history and deliveries (migration 0009). */

export async function insertChannel(db: Executor, row: AlertChannelRow): Promise<void> {
  await db.insertInto("alert_channels").values(row).execute();
}

export function listChannels(db: Executor, appId: string): Promise<AlertChannelRow[]> {
  return db.selectFrom("alert_channels").selectAll().where("app_id", "=", appId).orderBy("created").orderBy("id").execute();
}

/** The platform channels (an admin's; every app's notifications reach them). */
export function listPlatformChannels(db: Executor): Promise<AlertChannelRow[]> {
  return db.selectFrom("alert_channels").selectAll().where("app_id", "is", null).orderBy("created").orderBy("id").execute();
}

export async function deletePlatformChannel(db: Executor, id: string): Promise<boolean> {
  const result = await db.deleteFrom("alert_channels").where("app_id", "is", null).where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export function findChannel(db: Executor, id: string): Promise<AlertChannelRow | undefined> {
  return db.selectFrom("alert_channels").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function deleteChannel(db: Executor, appId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom("alert_channels").where("app_id", "=", appId).where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function disableChannel(db: Executor, id: string, reason: string): Promise<void> {
  await db.updateTable("alert_channels").set({ enabled: 0, disabled_reason: reason }).where("id", "=", id).execute();
}

export async function insertRule(db: Executor, row: AlertRuleRow): Promise<void> {
  await db.insertInto("alert_rules").values(row).execute();
}

export function listRules(db: Executor, appId: string): Promise<AlertRuleRow[]> {
  return db.selectFrom("alert_rules").selectAll().where("app_id", "=", appId).orderBy("created").orderBy("id").execute();
}

/** Every enabled rule of every app, for the evaluator. */
export function enabledRules(db: Executor): Promise<AlertRuleRow[]> {
  return db.selectFrom("alert_rules").selectAll().where("enabled", "=", 1).orderBy("app_id").orderBy("id").execute();
}

export function findRule(db: Executor, appId: string, id: string): Promise<AlertRuleRow | undefined> {
  return db.selectFrom("alert_rules").selectAll().where("app_id", "=", appId).where("id", "=", id).executeTakeFirst();
}

export async function updateRule(db: Executor, id: string, change: Updateable<Database["alert_rules"]>): Promise<void> {
  await db.updateTable("alert_rules").set(change).where("id", "=", id).execute();
}

export async function deleteRule(db: Executor, appId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom("alert_rules").where("app_id", "=", appId).where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function insertHistory(db: Executor, row: AlertHistoryRow): Promise<void> {
  await db.insertInto("alert_history").values(row).execute();
}

/** The app's history, newest `limit` entries after `offset`, oldest first; and how many there are. */
export async function listHistory(
  db: Executor,
  appId: string,
  limit: number,
  offset: number,
): Promise<{ rows: AlertHistoryRow[]; count: number }> {
  const rows = await db
    .selectFrom("alert_history")
    .selectAll()
    .where("app_id", "=", appId)
    .orderBy("time", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .offset(offset)
    .execute();
  const total = await db
    .selectFrom("alert_history")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("app_id", "=", appId)
    .executeTakeFirst();
  return { rows: rows.reverse(), count: Number(total?.n ?? 0) };
}

export async function insertDelivery(db: Executor, row: AlertDeliveryRow): Promise<void> {
  await db.insertInto("alert_deliveries").values(row).execute();
}

export async function listDeliveries(
  db: Executor,
  appId: string,
  status: string | undefined,
  limit: number,
  offset: number,
): Promise<{ rows: AlertDeliveryRow[]; count: number }> {
  let query = db.selectFrom("alert_deliveries").where("app_id", "=", appId);
  if (status !== undefined) query = query.where("status", "=", status);
  const rows = await query.selectAll().orderBy("created", "desc").orderBy("id", "desc").limit(limit).offset(offset).execute();
  const total = await query.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirst();
  return { rows: rows.reverse(), count: Number(total?.n ?? 0) };
}

export function findDelivery(db: Executor, appId: string, id: string): Promise<AlertDeliveryRow | undefined> {
  return db.selectFrom("alert_deliveries").selectAll().where("app_id", "=", appId).where("id", "=", id).executeTakeFirst();
}

/** Pending deliveries whose next attempt is due, oldest first. */
export function dueDeliveries(db: Executor, nowIso: string, limit: number): Promise<AlertDeliveryRow[]> {
  return db
    .selectFrom("alert_deliveries")
    .selectAll()
    .where("status", "=", "pending")
    .where("next_attempt", "<=", nowIso)
    .orderBy("next_attempt")
    .orderBy("id")
    .limit(limit)
    .execute();
}

export async function updateDelivery(db: Executor, id: string, change: Updateable<Database["alert_deliveries"]>): Promise<void> {
  await db.updateTable("alert_deliveries").set(change).where("id", "=", id).execute();
}
