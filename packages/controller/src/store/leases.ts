import { type RawBuilder, sql } from "kysely";
import type { Backend, Executor } from "./schema.ts";

/** Now, in ms since the epoch, by the database's clock: every controller compares expiries on one clock. */
export function dbNow(backend: Backend): RawBuilder<number> {
  return backend === "postgres"
    ? sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`
    : sql<number>`cast((julianday('now') - 2440587.5) * 86400000 as integer)`;
}

/**
 * Takes the lease for `holder` for `ttlMs` when it is free, expired, or already this holder's (then
 * it is renewed and a request to yield is cleared). One statement, so two controllers racing for it
 * cannot both win. True when `holder` holds it now.
 */
export async function acquireLease(db: Executor, backend: Backend, name: string, holder: string, ttlMs: number): Promise<boolean> {
  const expires = sql<number>`${dbNow(backend)} + ${ttlMs}`;
  const row = await db
    .insertInto("leases")
    .values({ name, holder, expires, yield_to: null })
    .onConflict((oc) =>
      oc
        .column("name")
        .doUpdateSet({ holder, expires, yield_to: null })
        .where((eb) => eb.or([eb("leases.holder", "=", holder), eb("leases.expires", "<", dbNow(backend))])),
    )
    .returning("holder")
    .executeTakeFirst();
  return row?.holder === holder;
}

/** What renewing told the holder: it lost the lease, or it keeps it (and whether another controller asked for it). */
export type Renewal = { held: false } | { held: true; yieldTo: string | null };

/** Extends `holder`'s lease by `ttlMs` from now; not when another controller took it after it expired. */
export async function renewLease(db: Executor, backend: Backend, name: string, holder: string, ttlMs: number): Promise<Renewal> {
  const row = await db
    .updateTable("leases")
    .set({ expires: sql<number>`${dbNow(backend)} + ${ttlMs}` })
    .where("name", "=", name)
    .where("holder", "=", holder)
    .returning("yield_to")
    .executeTakeFirst();
  return row === undefined ? { held: false } : { held: true, yieldTo: row.yield_to };
}

/** Gives the lease up, if `holder` still holds it. */
export async function releaseLease(db: Executor, name: string, holder: string): Promise<void> {
  await db.deleteFrom("leases").where("name", "=", name).where("holder", "=", holder).execute();
}

/**
 * Asks the lease's holder to give it up to `asker` (it sees this at its next renewal). False when the
 * lease is free, expired or `asker`'s own: then there is nobody to ask.
 */
export async function askToYield(db: Executor, backend: Backend, name: string, asker: string): Promise<boolean> {
  const result = await db
    .updateTable("leases")
    .set({ yield_to: asker })
    .where("name", "=", name)
    .where("holder", "!=", asker)
    .where("expires", ">=", dbNow(backend))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The live leases whose names start with `prefix`: name → holder. */
export async function liveLeases(db: Executor, backend: Backend, prefix: string): Promise<Map<string, string>> {
  // Few rows (the leader and the apps being worked on): filtered here, with no LIKE escaping to get right.
  const rows = await db.selectFrom("leases").select(["name", "holder"]).where("expires", ">=", dbNow(backend)).execute();
  return new Map(rows.filter((r) => r.name.startsWith(prefix)).map((r) => [r.name, r.holder]));
}
