import { sql } from "kysely";
import type { Healthcheck, ProcessLimits, Procfile } from "@berth/api";
import { decodeHealthchecks, decodeLimits, decodeProcfile, decodeValues, encode } from "./codec.ts";
import type { Backend, BuildRow, ConfigRow, Executor, ReleaseRow } from "./schema.ts";

/** Release with the owner's username, ready to be shown. */
export type ReleaseWithOwner = ReleaseRow & { owner: string };

/** A build as stored, its procfile decoded. */
export type BuildRecord = Omit<BuildRow, "procfile"> & { procfile: Procfile };
export type BuildWithOwner = BuildRecord & { owner: string };

/** A config as stored, its documents decoded. */
export type ConfigRecord = Omit<ConfigRow, "values" | "limits" | "healthchecks"> & {
  values: Record<string, string>;
  limits: Record<string, ProcessLimits>;
  healthchecks: Record<string, Healthcheck>;
};
export type ConfigWithOwner = ConfigRecord & { owner: string };

function decodeBuild<R extends BuildRow>(row: R): Omit<R, "procfile"> & { procfile: Procfile } {
  return { ...row, procfile: decodeProcfile(row.procfile) };
}

function decodeConfig<R extends ConfigRow>(row: R): Omit<R, "values" | "limits" | "healthchecks"> & ConfigDocuments {
  return { ...row, values: decodeValues(row.values), limits: decodeLimits(row.limits), healthchecks: decodeHealthchecks(row.healthchecks) };
}

type ConfigDocuments = Pick<ConfigRecord, "values" | "limits" | "healthchecks">;

/**
 * Serializes release-making on one app: on PostgreSQL a row lock on the app held until the
 * transaction ends; SQLite transactions are already serialized by its driver (`begin immediate`
 * on the only connection).
 */
export async function lockApp(tx: Executor, backend: Backend, appId: string): Promise<void> {
  if (backend === "postgres") await sql`select id from apps where id = ${appId} for update`.execute(tx);
}

export function latestRelease(db: Executor, appId: string): Promise<ReleaseWithOwner | undefined> {
  return releasesOf(db, appId).orderBy("releases.version", "desc").limit(1).executeTakeFirst();
}

export function findRelease(db: Executor, appId: string, version: number): Promise<ReleaseWithOwner | undefined> {
  return releasesOf(db, appId).where("releases.version", "=", version).executeTakeFirst();
}

/** The newest release that did not fail, below `belowVersion` when given. */
export function latestGoodRelease(db: Executor, appId: string, belowVersion?: number): Promise<ReleaseWithOwner | undefined> {
  let query = releasesOf(db, appId).where("releases.state", "!=", "failed");
  if (belowVersion !== undefined) query = query.where("releases.version", "<", belowVersion);
  return query.orderBy("releases.version", "desc").limit(1).executeTakeFirst();
}

export async function listReleases(db: Executor, appId: string, limit: number, offset: number) {
  const rows = await releasesOf(db, appId).orderBy("releases.version", "desc").limit(limit).offset(offset).execute();
  const { n } = await db
    .selectFrom("releases")
    .where("app_id", "=", appId)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return { count: Number(n), rows };
}

function releasesOf(db: Executor, appId: string) {
  return db
    .selectFrom("releases")
    .innerJoin("users", "users.id", "releases.owner_id")
    .selectAll("releases")
    .select("users.username as owner")
    .where("releases.app_id", "=", appId);
}

export async function insertRelease(db: Executor, row: ReleaseRow): Promise<void> {
  await db.insertInto("releases").values(row).execute();
}

export async function setReleaseState(
  db: Executor,
  appId: string,
  version: number,
  state: ReleaseRow["state"],
  failure: string | null = null,
): Promise<void> {
  await db
    .updateTable("releases")
    .set({ state, failure, updated: new Date().toISOString() })
    .where("app_id", "=", appId)
    .where("version", "=", version)
    .execute();
}

/** Marks every deployed release of the app older than `version` as superseded. */
export async function supersedeOlder(db: Executor, appId: string, version: number): Promise<void> {
  await db
    .updateTable("releases")
    .set({ state: "superseded", updated: new Date().toISOString() })
    .where("app_id", "=", appId)
    .where("version", "<", version)
    .where("state", "in", ["deployed", "pending"])
    .execute();
}

export async function insertConfig(db: Executor, config: ConfigRecord): Promise<void> {
  await db
    .insertInto("configs")
    .values({ ...config, values: encode(config.values), limits: encode(config.limits), healthchecks: encode(config.healthchecks) })
    .execute();
}

export async function findConfig(db: Executor, id: string): Promise<ConfigWithOwner | undefined> {
  const row = await db
    .selectFrom("configs")
    .innerJoin("users", "users.id", "configs.owner_id")
    .selectAll("configs")
    .select("users.username as owner")
    .where("configs.id", "=", id)
    .executeTakeFirst();
  return row === undefined ? undefined : decodeConfig(row);
}

export async function insertBuild(db: Executor, build: BuildRecord): Promise<void> {
  await db
    .insertInto("builds")
    .values({ ...build, procfile: encode(build.procfile) })
    .execute();
}

function buildsOf(db: Executor, appId: string) {
  return db
    .selectFrom("builds")
    .innerJoin("users", "users.id", "builds.owner_id")
    .selectAll("builds")
    .select("users.username as owner")
    .where("builds.app_id", "=", appId);
}

export async function findBuild(db: Executor, appId: string, id: string): Promise<BuildWithOwner | undefined> {
  const row = await buildsOf(db, appId).where("builds.id", "=", id).executeTakeFirst();
  return row === undefined ? undefined : decodeBuild(row);
}

export async function listBuilds(db: Executor, appId: string, limit: number, offset: number) {
  const rows = await buildsOf(db, appId).orderBy("builds.created", "desc").orderBy("builds.id").limit(limit).offset(offset).execute();
  const { n } = await db
    .selectFrom("builds")
    .where("app_id", "=", appId)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return { count: Number(n), rows: rows.map(decodeBuild) };
}
