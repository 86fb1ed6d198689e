import type { Formation } from "@berth/api";
import { decodeFormation, encode } from "./codec.ts";
import type { AppRow, Executor } from "./schema.ts";

/** An app with its owner's username and its formation. */
export type AppWithOwner = Omit<AppRow, "structure"> & { owner: string; structure: Formation };

function withOwner(db: Executor) {
  return db.selectFrom("apps").innerJoin("users", "users.id", "apps.owner_id").selectAll("apps").select("users.username as owner");
}

function decode(row: AppRow & { owner: string }): AppWithOwner {
  return { ...row, structure: decodeFormation(row.structure) };
}

export async function findApp(db: Executor, id: string): Promise<AppWithOwner | undefined> {
  const row = await withOwner(db).where("apps.id", "=", id).executeTakeFirst();
  return row === undefined ? undefined : decode(row);
}

/** Names of every app (of those in `only`, when given), in order. */
export async function listAppIds(db: Executor, only?: readonly string[]): Promise<string[]> {
  if (only !== undefined && only.length === 0) return [];
  let query = db.selectFrom("apps").select("id").orderBy("id");
  if (only !== undefined) query = query.where("id", "in", only);
  return (await query.execute()).map((row) => row.id);
}

export async function insertApp(db: Executor, id: string, ownerId: string): Promise<void> {
  const now = new Date().toISOString();
  await db.insertInto("apps").values({ id, owner_id: ownerId, structure: "{}", created: now, updated: now }).execute();
}

/** The apps a user sees: all of them for admins, else owned and shared ones. */
export async function listApps(
  db: Executor,
  viewer: { id: string; isAdmin: boolean },
  limit: number,
  offset: number,
): Promise<{ count: number; rows: AppWithOwner[] }> {
  let query = withOwner(db);
  let counter = db.selectFrom("apps");
  if (!viewer.isAdmin) {
    const shared = db.selectFrom("perms").select("perms.app_id").where("perms.user_id", "=", viewer.id);
    query = query.where((eb) => eb.or([eb("apps.owner_id", "=", viewer.id), eb("apps.id", "in", shared)]));
    counter = counter.where((eb) => eb.or([eb("apps.owner_id", "=", viewer.id), eb("apps.id", "in", shared)]));
  }
  const rows = await query.orderBy("apps.id").limit(limit).offset(offset).execute();
  const { n } = await counter.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  return { count: Number(n), rows: rows.map(decode) };
}

export async function setAppOwner(db: Executor, id: string, ownerId: string): Promise<void> {
  await db.updateTable("apps").set({ owner_id: ownerId, updated: new Date().toISOString() }).where("id", "=", id).execute();
}

export async function setAppStructure(db: Executor, id: string, structure: Formation): Promise<void> {
  await db
    .updateTable("apps")
    .set({ structure: encode(structure), updated: new Date().toISOString() })
    .where("id", "=", id)
    .execute();
}

/** Removes the app and, through the foreign keys' cascades, its builds, configs, releases and perms. */
export async function deleteApp(db: Executor, id: string): Promise<void> {
  await db.deleteFrom("releases").where("app_id", "=", id).execute();
  await db.deleteFrom("configs").where("app_id", "=", id).execute();
  await db.deleteFrom("builds").where("app_id", "=", id).execute();
  await db.deleteFrom("perms").where("app_id", "=", id).execute();
  await db.deleteFrom("domains").where("app_id", "=", id).execute();
  await db.deleteFrom("app_settings").where("app_id", "=", id).execute();
  await db.deleteFrom("app_events").where("app_id", "=", id).execute();
  await db.deleteFrom("traffic").where("app_id", "=", id).execute();
  for (const table of ["alert_deliveries", "alert_history", "alert_rules", "alert_channels"] as const) {
    await db.deleteFrom(table).where("app_id", "=", id).execute();
  }
  await db.deleteFrom("apps").where("id", "=", id).execute();
}

export async function isCollaborator(db: Executor, appId: string, userId: string): Promise<boolean> {
  const row = await db.selectFrom("perms").select("app_id").where("app_id", "=", appId).where("user_id", "=", userId).executeTakeFirst();
  return row !== undefined;
}

export async function listCollaborators(db: Executor, appId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("perms")
    .innerJoin("users", "users.id", "perms.user_id")
    .select("users.username")
    .where("perms.app_id", "=", appId)
    .orderBy("users.username")
    .execute();
  return rows.map((r) => r.username);
}

export async function grantPerm(db: Executor, appId: string, userId: string): Promise<void> {
  await db.insertInto("perms").values({ app_id: appId, user_id: userId, created: new Date().toISOString() }).execute();
}

export async function revokePerm(db: Executor, appId: string, userId: string): Promise<number> {
  const result = await db.deleteFrom("perms").where("app_id", "=", appId).where("user_id", "=", userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}
