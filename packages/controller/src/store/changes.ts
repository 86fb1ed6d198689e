import { sql } from "kysely";
import { dbNow } from "./leases.ts";
import type { Backend, Executor } from "./schema.ts";

/** Records that `topic` changed now; returns the version it got (ms, by the database's clock). */
export async function announceChange(db: Executor, backend: Backend, topic: string): Promise<number> {
  const row = await db
    .insertInto("changes")
    .values({ topic, version: dbNow(backend) })
    .onConflict((oc) => oc.column("topic").doUpdateSet({ version: dbNow(backend) }))
    .returning("version")
    .executeTakeFirstOrThrow();
  return Number(row.version);
}

/** The topics that changed in the last `windowMs` (by the database's clock), with their versions. */
export async function recentChanges(db: Executor, backend: Backend, windowMs: number): Promise<{ topic: string; version: number }[]> {
  const rows = await db
    .selectFrom("changes")
    .select(["topic", "version"])
    .where("version", ">", sql<number>`${dbNow(backend)} - ${windowMs}`)
    .execute();
  return rows.map((r) => ({ topic: r.topic, version: Number(r.version) }));
}
