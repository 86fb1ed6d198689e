import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { Kysely, sql } from "kysely";
import { nodeSqliteDialect } from "../src/store/sqlite-dialect.ts";

interface T {
  counter: { id: number; n: number };
}

test("transactions on the one SQLite connection never interleave", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "berth-sqlite-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const db = new Kysely<T>({ dialect: nodeSqliteDialect(join(dir, "t.db")) });
  t.teardown(() => db.destroy());
  await sql`create table counter (id integer primary key, n integer not null)`.execute(db);
  await db.insertInto("counter").values({ id: 1, n: 0 }).execute();
  // Read-modify-write with a pause in the middle: without serialization, increments are lost.
  await Promise.all(
    Array.from({ length: 20 }, () =>
      db.transaction().execute(async (tx) => {
        const row = await tx.selectFrom("counter").select("n").where("id", "=", 1).executeTakeFirstOrThrow();
        await new Promise((r) => setTimeout(r, 2));
        await tx.updateTable("counter").set({ n: row.n + 1 }).where("id", "=", 1).execute();
      }),
    ),
  );
  const { n } = await db.selectFrom("counter").select("n").where("id", "=", 1).executeTakeFirstOrThrow();
  t.is(n, 20);
});

test("a failed transaction is rolled back and releases the connection", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "berth-sqlite-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const db = new Kysely<T>({ dialect: nodeSqliteDialect(join(dir, "t.db")) });
  t.teardown(() => db.destroy());
  await sql`create table counter (id integer primary key, n integer not null)`.execute(db);
  await t.throwsAsync(
    db.transaction().execute(async (tx) => {
      await tx.insertInto("counter").values({ id: 1, n: 1 }).execute();
      throw new Error("boom");
    }),
    { message: "boom" },
  );
  const rows = await db.selectFrom("counter").selectAll().execute();
  t.deepEqual(rows, []);
});
