import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { Executor, TokenRow, UserRow } from "./schema.ts";

/** A user as a token authenticates them, with the token's public id and last use. */
export interface Session {
  user: UserRow;
  tokenId: string;
  lastUsed: string | null;
}

export async function findSession(db: Executor, tokenHash: string): Promise<Session | undefined> {
  const row = await db
    .selectFrom("tokens")
    .innerJoin("users", "users.id", "tokens.user_id")
    .selectAll("users")
    .select(["tokens.id as token_id", "tokens.last_used as token_last_used"])
    .where("tokens.token_hash", "=", tokenHash)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const { token_id, token_last_used, ...user } = row;
  return { user, tokenId: token_id, lastUsed: token_last_used };
}

export async function insertToken(db: Executor, token: { userId: string; tokenHash: string; label: string }): Promise<TokenRow> {
  const row: TokenRow = {
    token_hash: token.tokenHash,
    id: randomBytes(6).toString("hex"),
    user_id: token.userId,
    label: token.label,
    created: new Date().toISOString(),
    last_used: null,
  };
  await db.insertInto("tokens").values(row).execute();
  return row;
}

/** Most recently used (or issued) first: the order tokens are listed, and kept when there are too many. */
const recency = sql<string>`coalesce(last_used, created)`;

/**
 * Revokes the user's least recently used tokens beyond `max`, never `keep` (the one just issued).
 * Returns how many went.
 */
export async function trimTokens(db: Executor, userId: string, max: number, keep: string): Promise<number> {
  const kept = await db
    .selectFrom("tokens")
    .select("id")
    .where("user_id", "=", userId)
    .where("id", "!=", keep)
    .orderBy(recency, "desc")
    .orderBy("id", "desc")
    .limit(Math.max(0, max - 1))
    .execute();
  const result = await db
    .deleteFrom("tokens")
    .where("user_id", "=", userId)
    .where("id", "not in", [keep, ...kept.map((row) => row.id)])
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function listTokens(
  db: Executor,
  userId: string,
  limit: number,
  offset: number,
): Promise<{ count: number; rows: TokenRow[] }> {
  const rows = await db
    .selectFrom("tokens")
    .selectAll()
    .where("user_id", "=", userId)
    .orderBy("created", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .offset(offset)
    .execute();
  const total = await db
    .selectFrom("tokens")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("user_id", "=", userId)
    .executeTakeFirstOrThrow();
  return { count: Number(total.n), rows };
}

/** Revokes one of the user's tokens; undefined when they have none of that id. */
export async function deleteToken(db: Executor, userId: string, id: string): Promise<TokenRow | undefined> {
  const row = await db.selectFrom("tokens").selectAll().where("user_id", "=", userId).where("id", "=", id).executeTakeFirst();
  if (row === undefined) return undefined;
  await db.deleteFrom("tokens").where("token_hash", "=", row.token_hash).execute();
  return row;
}

/** Revokes every token of the user but `except`; returns how many went. */
export async function deleteTokens(db: Executor, userId: string, except?: string): Promise<number> {
  let query = db.deleteFrom("tokens").where("user_id", "=", userId);
  if (except !== undefined) query = query.where("id", "!=", except);
  return Number((await query.executeTakeFirst()).numDeletedRows);
}

/** How precisely `last_used` is kept: a write on every request would make every read a write. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** Records that the session's token was just used, unless that was recorded within the last minute. */
export async function touchSession(db: Executor, session: Session, now = Date.now()): Promise<void> {
  if (session.lastUsed !== null && now - Date.parse(session.lastUsed) < LAST_USED_RESOLUTION_MS) return;
  await db
    .updateTable("tokens")
    .set({ last_used: new Date(now).toISOString() })
    .where("id", "=", session.tokenId)
    .execute();
}
