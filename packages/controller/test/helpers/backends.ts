import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openStore, type Store } from "../../src/store/open.ts";

export type BackendName = "sqlite" | "postgres";

/** Both backends, always: PostgreSQL tests fail loudly when no server was given. */
export const backends: readonly BackendName[] = ["sqlite", "postgres"];

export interface OpenedStore {
  store: Store;
  /** Closes the store and removes its database. */
  dispose(): Promise<void>;
}

/** A fresh, empty store: a SQLite file in a temp dir, or a new PostgreSQL database. */
export async function freshStore(backend: BackendName): Promise<OpenedStore> {
  if (backend === "sqlite") {
    const dir = await mkdtemp(join(tmpdir(), "berth-store-"));
    const store = await openStore({ dataDir: dir });
    return {
      store,
      dispose: async () => {
        await store.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  const database = await freshPostgresDatabase();
  const store = await openStore({ databaseUrl: database.url, dataDir: tmpdir() });
  return {
    store,
    dispose: async () => {
      await store.close();
      await database.drop();
    },
  };
}

/** A new, empty PostgreSQL database on the test server, and how to drop it. */
export async function freshPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = process.env.BERTH_TEST_DATABASE_URL;
  if (adminUrl === undefined || adminUrl === "") {
    throw new Error("BERTH_TEST_DATABASE_URL is not set: run the suite through `pnpm test` (scripts/with-services starts PostgreSQL)");
  }
  const name = `berth_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      try {
        await cleanup.query(`drop database if exists ${name} with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
