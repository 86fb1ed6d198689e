import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { migrate } from "./migrations.ts";
import type { Backend, Database, Db } from "./schema.ts";
import { nodeSqliteDialect } from "./sqlite-dialect.ts";

export interface StoreOptions {
  /** PostgreSQL connection URL; SQLite when absent. */
  databaseUrl?: string | undefined;
  /** Directory of the SQLite file (`berth.db`). */
  dataDir: string;
  /** SQLite file name under dataDir, or ":memory:". */
  sqliteFile?: string;
  /**
   * Told when an idle PostgreSQL connection dies (server restart, admin kill). The pool drops the
   * connection and opens a new one on demand; without a listener the process would crash.
   */
  onConnectionError?: (error: Error) => void;
}

export interface Store {
  db: Db;
  backend: Backend;
  close(): Promise<void>;
}

/** Opens the database the options name and brings its schema up to date. */
export async function openStore(options: StoreOptions): Promise<Store> {
  let db: Db;
  let backend: Backend;
  if (options.databaseUrl !== undefined) {
    backend = "postgres";
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    pool.on("error", (error) => options.onConnectionError?.(error));
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  } else {
    backend = "sqlite";
    const file = options.sqliteFile ?? "berth.db";
    if (file !== ":memory:") mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    db = new Kysely<Database>({ dialect: nodeSqliteDialect(file === ":memory:" ? file : join(options.dataDir, file)) });
  }
  try {
    await migrate(db as Kysely<unknown>);
    // A SQLite file has one controller: leases are left only by one that died, and would hold this
    // one off until they ran out.
    if (backend === "sqlite") await db.deleteFrom("leases").execute();
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { db, backend, close: () => db.destroy() };
}
