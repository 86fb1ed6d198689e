import { decodeStrings, encode } from "./codec.ts";
import type { AppSettingsRow, DomainRow, Executor } from "./schema.ts";

/** An app's router settings as stored, its allow-list decoded. */
export type AppSettingsRecord = Omit<AppSettingsRow, "allowlist"> & { allowlist: string[] };

function decode(row: AppSettingsRow): AppSettingsRecord {
  return { ...row, allowlist: decodeStrings(row.allowlist, "allow-list") };
}

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

export async function findSettings(db: Executor, appId: string): Promise<AppSettingsRecord | undefined> {
  const row = await db.selectFrom("app_settings").selectAll().where("app_id", "=", appId).executeTakeFirst();
  return row === undefined ? undefined : decode(row);
}

export async function listSettings(db: Executor): Promise<AppSettingsRecord[]> {
  return (await db.selectFrom("app_settings").selectAll().execute()).map(decode);
}

export async function saveSettings(db: Executor, settings: AppSettingsRecord): Promise<void> {
  const row: AppSettingsRow = { ...settings, allowlist: encode(settings.allowlist) };
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
