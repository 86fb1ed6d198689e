import { ControllerClient } from "@berth/api";
import { Kysely } from "kysely";
import { migrate } from "../src/store/migrations.ts";
import { openStore } from "../src/store/open.ts";
import type { Database } from "../src/store/schema.ts";
import { nodeSqliteDialect } from "../src/store/sqlite-dialect.ts";
import { eachBackend, rejects } from "./helpers/backend-test.ts";
import { type Harness, startController } from "./helpers/controller.ts";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";

/** Logs `username` in from a client that names itself `agent`; returns a client holding the new token. */
async function loginAs(h: Harness, username: string, agent: string): Promise<{ client: ControllerClient; token: string }> {
  const anonymous = new ControllerClient({ url: h.url, userAgent: agent });
  const { token } = await anonymous.auth.login(username, `${username}-password`);
  return { client: anonymous.withToken(token), token };
}

eachBackend("a user lists their own tokens with labels from the client, the current one marked, never a secret", async (t, backend) => {
  const h = await startController(t, backend);
  await h.user("alice");
  await h.user("bob");
  const laptop = await loginAs(h, "bob", "berth-cli/0.1.0 (laptop)");
  const ci = await loginAs(h, "bob", `curl/8.0 ${"x".repeat(300)}`);
  const page = await laptop.client.auth.tokens();
  // h.user logged bob in once too.
  t.is(page.count, 3);
  const labels = page.results.map((token) => token.label);
  t.deepEqual(
    labels.slice(0, 2),
    [`login via curl/8.0 ${"x".repeat(111)}`, "login via berth-cli/0.1.0 (laptop)"],
    "newest first, a long agent cut short",
  );
  t.deepEqual(
    page.results.map((token) => token.current),
    [false, true, false],
  );
  for (const token of page.results) t.deepEqual(Object.keys(token).sort(), ["created", "current", "id", "label", "lastUsed"]);
  const text = JSON.stringify(page);
  t.false(text.includes(laptop.token) || text.includes(ci.token), "no secret in the list");
  const hashes = await h.store.db.selectFrom("tokens").select("token_hash").execute();
  t.false(
    hashes.some((row) => text.includes(row.token_hash)),
    "no hash either",
  );
  const alices = await (await loginAs(h, "alice", "x")).client.auth.tokens();
  t.false(
    alices.results.some((token) => page.results.some((mine) => mine.id === token.id)),
    "only one's own tokens",
  );
});

eachBackend("a token records when it was last used", async (t, backend) => {
  const h = await startController(t, backend);
  await h.user("alice");
  const fresh = await loginAs(h, "alice", "first");
  const other = await loginAs(h, "alice", "second");
  const before = Date.now();
  await fresh.client.auth.whoami();
  const listed = await other.client.auth.tokens();
  const used = listed.results.find((token) => token.label === "login via first");
  t.truthy(used?.lastUsed);
  t.true(Date.parse(used?.lastUsed ?? "") >= before - 1000);
  const current = listed.results.find((token) => token.current);
  t.truthy(current?.lastUsed, "the request that lists counts as a use");
});

eachBackend("revoking a token ends that session only; unknown or others' ids are 404", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  await h.user("bob");
  const one = await loginAs(h, "bob", "one");
  const two = await loginAs(h, "bob", "two");
  const twoId = (await two.client.auth.tokens()).results.find((token) => token.current)?.id ?? "";
  const revoked = await one.client.auth.revokeToken(twoId);
  t.like(revoked, { id: twoId, label: "login via two", current: false });
  await rejects(t, two.client.auth.whoami(), 401, "UNAUTHENTICATED");
  t.is((await one.client.auth.whoami()).username, "bob");
  const missing = await rejects(t, one.client.auth.revokeToken(twoId), 404, "TOKEN_NOT_FOUND");
  t.regex(missing.hint ?? "", /auth:tokens/);
  const aliceId = (await alice.auth.tokens()).results[0]?.id ?? "";
  await rejects(t, one.client.auth.revokeToken(aliceId), 404, "TOKEN_NOT_FOUND");
  t.is((await alice.auth.whoami()).username, "alice", "another user's token is untouched");
  const self = (await one.client.auth.tokens()).results.find((token) => token.current)?.id ?? "";
  t.true((await one.client.auth.revokeToken(self)).current, "revoking the current token says so");
  await rejects(t, one.client.auth.whoami(), 401, "UNAUTHENTICATED");
});

eachBackend("changing one's own password ends every other session and keeps the one asking", async (t, backend) => {
  const h = await startController(t, backend);
  await h.user("alice");
  await h.user("bob");
  const phone = await loginAs(h, "bob", "phone");
  const laptop = await loginAs(h, "bob", "laptop");
  const answer = await laptop.client.auth.passwd({ password: "bob-password", newPassword: "new-bob-password" });
  t.deepEqual(answer, { username: "bob", tokensRevoked: 2 });
  await rejects(t, phone.client.auth.whoami(), 401, "UNAUTHENTICATED");
  t.is((await laptop.client.auth.whoami()).username, "bob");
  t.deepEqual(
    (await laptop.client.auth.tokens()).results.map((token) => token.label),
    ["login via laptop"],
  );
});

eachBackend("an administrator's password reset ends all of that user's sessions", async (t, backend) => {
  const h = await startController(t, backend);
  const admin = await h.user("alice");
  await h.user("bob");
  const bob = await loginAs(h, "bob", "bob's laptop");
  const answer = await admin.auth.passwd({ username: "bob", newPassword: "reset-password" });
  t.deepEqual(answer, { username: "bob", tokensRevoked: 2 });
  await rejects(t, bob.client.auth.whoami(), 401, "UNAUTHENTICATED");
  t.is((await admin.auth.whoami()).username, "alice", "the administrator's own session goes on");
  t.truthy((await h.client.auth.login("bob", "reset-password")).token);
});

eachBackend("a user holds a bounded number of live tokens: one more revokes the least recently used", async (t, backend) => {
  const h = await startController(t, backend, { maxTokensPerUser: 3 });
  await h.user("alice");
  const oldest = await h.user("bob");
  const first = await loginAs(h, "bob", "first");
  const second = await loginAs(h, "bob", "second");
  // The oldest token is the one in use: the least recently used is first, issued after it.
  await oldest.auth.whoami();
  const third = await loginAs(h, "bob", "third");
  const bob = await h.store.db.selectFrom("users").select("id").where("username", "=", "bob").executeTakeFirstOrThrow();
  const rows = await h.store.db.selectFrom("tokens").select("label").where("user_id", "=", bob.id).execute();
  t.is(rows.length, 3);
  t.false(
    rows.some((row) => row.label === "login via first"),
    "first went",
  );
  await rejects(t, first.client.auth.whoami(), 401, "UNAUTHENTICATED");
  for (const client of [oldest, second.client, third.client]) t.is((await client.auth.whoami()).username, "bob");
  t.true(h.logs.some((line) => line.includes("oldest tokens revoked")));
});

test("tokens issued before token ids existed get an id and a label when the schema is migrated", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "berth-migrate-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const old = new Kysely<Database>({ dialect: nodeSqliteDialect(join(dir, "berth.db")) });
  await migrate(old as Kysely<unknown>, "0004-events");
  const created = new Date().toISOString();
  await old.insertInto("users").values({ id: "u1", username: "old", email: "", password_hash: "x", is_admin: 1, created }).execute();
  for (const hash of ["h1", "h2"]) {
    await (old as unknown as Kysely<{ tokens: { token_hash: string; user_id: string; created: string } }>)
      .insertInto("tokens")
      .values({ token_hash: hash, user_id: "u1", created })
      .execute();
  }
  await old.destroy();
  const store = await openStore({ dataDir: dir });
  t.teardown(() => store.close());
  const rows = await store.db.selectFrom("tokens").selectAll().orderBy("token_hash").execute();
  t.is(rows.length, 2);
  t.not(rows[0]?.id, rows[1]?.id);
  for (const row of rows) {
    t.regex(row.id, /^[0-9a-f]{12}$/);
    t.is(row.label, "issued before tokens were labelled");
    t.is(row.last_used, null);
  }
});
