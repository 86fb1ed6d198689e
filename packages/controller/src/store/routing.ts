import type { AppSettingsRow, DomainRow, Executor } from "./schema.ts";

export function listDomains(db: Executor, appId?: string): Promise<DomainRow[]> {
  let query = db.selectFrom("domains").selectAll();
  if (appId !== undefined) query = query.where("app_id", "=", appId);
  return query.orderBy("domain").execute();
}

export function findDomain(db: Executor, domain: string): Promise<DomainRow | undefined> {
  return db.selectFrom("domains").selectAll().where("domain", "=", domain).executeTakeFirst();
}

export async function insertDomain(db: Executor, appId: string, domain: string): Promise<void> {
  await db.insertInto("domains").values({ domain, app_id: appId, created: new Date().toISOString() }).execute();
}

export async function deleteDomain(db: Executor, appId: string, domain: string): Promise<number> {
  const result = await db.deleteFrom("domains").where("app_id", "=", appId).where("domain", "=", domain).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export function findSettings(db: Executor, appId: string): Promise<AppSettingsRow | undefined> {
  return db.selectFrom("app_settings").selectAll().where("app_id", "=", appId).executeTakeFirst();
}

export function listSettings(db: Executor): Promise<AppSettingsRow[]> {
  return db.selectFrom("app_settings").selectAll().execute();
}

export async function saveSettings(db: Executor, row: AppSettingsRow): Promise<void> {
  await db
    .insertInto("app_settings")
    .values(row)
    .onConflict((oc) =>
      oc.column("app_id").doUpdateSet({
        maintenance: row.maintenance,
        routable: row.routable,
        allowlist: row.allowlist,
        connect_timeout: row.connect_timeout,
        read_timeout: row.read_timeout,
        updated: row.updated,
      }),
    )
    .execute();
}
