import { randomUUID } from "node:crypto";
import type { Executor, UserRow } from "./schema.ts";

export async function countUsers(db: Executor): Promise<number> {
  const row = await db.selectFrom("users").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
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

export function findUserByTokenHash(db: Executor, tokenHash: string): Promise<UserRow | undefined> {
  return db
    .selectFrom("tokens")
    .innerJoin("users", "users.id", "tokens.user_id")
    .selectAll("users")
    .where("tokens.token_hash", "=", tokenHash)
    .executeTakeFirst();
}

export async function listUsers(db: Executor, limit: number, offset: number): Promise<{ count: number; rows: UserRow[] }> {
  const rows = await db.selectFrom("users").selectAll().orderBy("username").limit(limit).offset(offset).execute();
  return { count: await countUsers(db), rows };
}

export async function setPasswordHash(db: Executor, userId: string, passwordHash: string): Promise<void> {
  await db.updateTable("users").set({ password_hash: passwordHash }).where("id", "=", userId).execute();
}

export async function insertToken(db: Executor, userId: string, tokenHash: string): Promise<void> {
  await db.insertInto("tokens").values({ token_hash: tokenHash, user_id: userId, created: new Date().toISOString() }).execute();
}

export async function deleteTokens(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom("tokens").where("user_id", "=", userId).execute();
}
