import { randomBytes } from "node:crypto";
import pg from "pg";
import { openStore, type Store } from "../../src/store/open.ts";

export type TestBackend = "sqlite" | "postgres";

/** Every store test runs on both backends; PostgreSQL comes from `scripts/with-services`. */
export const testBackends: readonly TestBackend[] = ["sqlite", "postgres"];

function databaseUrl(): string {
  const url = process.env.BERTH_TEST_DATABASE_URL;
  if (url === undefined || url === "") {
    throw new Error("BERTH_TEST_DATABASE_URL is not set: run the tests through `scripts/with-services` (it starts PostgreSQL)");
  }
  return url;
}

/** A fresh, migrated store: an in-memory SQLite, or a new PostgreSQL database dropped on close. */
export async function openTestStore(backend: TestBackend): Promise<Store> {
  if (backend === "sqlite") return openStore({ dataDir: "", sqliteFile: ":memory:" });
  const base = databaseUrl();
  const name = `berth_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  const store = await openStore({ databaseUrl: url.toString(), dataDir: "" });
  return {
    ...store,
    async close() {
      await store.close();
      const dropper = new pg.Client({ connectionString: base });
      await dropper.connect();
      try {
        await dropper.query(`drop database if exists ${name}`);
      } finally {
        await dropper.end();
      }
    },
  };
}
