import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Backend, Db, Executor, UserRow } from "./schema.ts";

/** What a registration finds once it holds the users lock. */
export interface Admission {
  /** No user exists yet: this one becomes the administrator. */
  first: boolean;
  /** The username is already someone's. */
  nameTaken: boolean;
}

/**
 * Inserts a user, the first one as administrator. Who is first is decided inside one transaction that
 * keeps every other writer of `users` waiting from the count to the insert, so concurrent first
 * registrations cannot all see an empty table. `admit` refuses by throwing (the transaction rolls
 * back); it runs under the lock, so it must be quick (hash the password before).
 *
 * On PostgreSQL, SHARE ROW EXCLUSIVE conflicts with itself and with the row locks inserts take, while
 * plain reads (token checks) go on; a unique partial index could not say "the first user" without also
 * forbidding a second admin, and an insert conditioned on no users still races under READ COMMITTED.
 * SQLite's transactions begin immediate, which takes the database's write lock.
 */
export async function insertAdmittedUser(
  db: Db,
  backend: Backend,
  user: { username: string; email: string; passwordHash: string },
  admit: (found: Admission) => void | Promise<void>,
): Promise<UserRow> {
  return db.transaction().execute(async (tx) => {
    if (backend === "postgres") await sql`lock table users in share row exclusive mode`.execute(tx);
    const first = (await countUsers(tx)) === 0;
    const nameTaken = (await findUserByName(tx, user.username)) !== undefined;
    await admit({ first, nameTaken });
    return insertUser(tx, { ...user, isAdmin: first });
  });
}

export async function countUsers(db: Executor): Promise<number> {
  const row = await db
    .selectFrom("users")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertUser(
  db: Executor,
  user: { username: string; email: string; passwordHash: string; isAdmin: boolean },
): Promise<UserRow> {
  const row: UserRow = {
    id: randomUUID(),
    username: user.username,
    email: user.email,
    password_hash: user.passwordHash,
    is_admin: user.isAdmin ? 1 : 0,
    created: new Date().toISOString(),
  };
  await db.insertInto("users").values(row).execute();
  return row;
}

export function findUserByName(db: Executor, username: string): Promise<UserRow | undefined> {
  return db.selectFrom("users").selectAll().where("username", "=", username).executeTakeFirst();
}

export async function listUsers(db: Executor, limit: number, offset: number): Promise<{ count: number; rows: UserRow[] }> {
  const rows = await db.selectFrom("users").selectAll().orderBy("username").limit(limit).offset(offset).execute();
  return { count: await countUsers(db), rows };
}

export async function setPasswordHash(db: Executor, userId: string, passwordHash: string): Promise<void> {
  await db.updateTable("users").set({ password_hash: passwordHash }).where("id", "=", userId).execute();
}
