import { ControllerClient } from "@berth/api";
import { eachBackend, rejects } from "./helpers/backend-test.ts";
import { startController } from "./helpers/controller.ts";

eachBackend("hooks refuse callers without the builder key with 401 UNAUTHENTICATED and a hint", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  await alice.apps.create("hk");
  const wrong = new ControllerClient({ url: h.url, builderKey: "not-the-key" });
  const refused = await rejects(t, wrong.hooks.config("hk"), 401, "UNAUTHENTICATED");
  t.regex(refused.message, /builder key/);
  t.regex(refused.hint ?? "", /BERTH_BUILDER_KEY/);
  await rejects(t, alice.hooks.config("hk"), 401, "UNAUTHENTICATED");
  await rejects(t, wrong.hooks.pushAuth({ user: "alice", token: "x", app: "hk" }), 401, "UNAUTHENTICATED");
  await rejects(t, wrong.hooks.release("hk", 1), 401, "UNAUTHENTICATED");
  await rejects(
    t,
    h.client.hooks.build({ app: "hk", user: "alice", sha: "abcdef0", image: "hk:1", procfile: {}, kind: "image" }),
    401,
    "UNAUTHENTICATED",
  );
  t.is((await alice.releases.list("hk")).count, 1);
});

eachBackend("push-auth allows owners, collaborators and admins, and no one else", async (t, backend) => {
  const h = await startController(t, backend);
  await h.user("alice");
  const bob = await h.user("bob");
  await h.user("carol");
  await h.user("dave");
  await bob.apps.create("pushy");
  await bob.perms.grant("pushy", "carol");
  const token = async (user: string) => (await h.client.auth.login(user, `${user}-password`)).token;
  const ask = async (user: string, app = "pushy", tok?: string) =>
    h.builder.hooks.pushAuth({ user, token: tok ?? (await token(user)), app });
  t.true((await ask("bob")).allowed);
  t.true((await ask("carol")).allowed);
  t.true((await ask("alice")).allowed, "admin");
  const dave = await ask("dave");
  t.false(dave.allowed);
  t.regex(dave.reason ?? "", /no access/);
  t.false((await ask("bob", "pushy", "wrong-token")).allowed);
  t.false((await ask("carol", "pushy", await token("bob"))).allowed, "a token only works for its own user");
  const missing = await ask("bob", "nope");
  t.false(missing.allowed);
  t.regex(missing.reason ?? "", /not found/);
});

eachBackend("the config hook returns the live config of an app", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  await alice.apps.create("hk");
  await alice.config.set("hk", { values: { BUILD_FLAG: "on" } });
  t.deepEqual((await h.builder.hooks.config("hk")).values, { BUILD_FLAG: "on" });
  await rejects(t, h.builder.hooks.config("nope"), 404, "APP_NOT_FOUND");
});

eachBackend("the build hook validates its input and refuses users without access", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  await h.user("bob");
  await alice.apps.create("hk");
  const base = { app: "hk", user: "alice", sha: "abcdef0123", image: "hk:git-abcdef0", procfile: {}, kind: "dockerfile" as const };
  await rejects(t, h.builder.hooks.build({ ...base, sha: "not-a-sha" }), 400, "VALIDATION_FAILED");
  await rejects(t, h.builder.request("POST", "/v2/hooks/build", { ...base, kind: "magic" }), 400, "VALIDATION_FAILED");
  await rejects(t, h.builder.hooks.build({ ...base, procfile: { "web process": "x" } }), 400, "VALIDATION_FAILED");
  await rejects(t, h.builder.hooks.build({ ...base, app: "../etc" }), 400, "VALIDATION_FAILED");
  await rejects(t, h.builder.hooks.build({ ...base, app: "nope" }), 404, "APP_NOT_FOUND");
  await rejects(t, h.builder.hooks.build({ ...base, user: "bob" }), 403, "FORBIDDEN");
  await rejects(t, h.builder.hooks.build({ ...base, user: "ghost" }), 404, "USER_NOT_FOUND");
  t.is((await alice.releases.list("hk")).count, 1, "no release from a refused build");
  t.is((await alice.builds.list("hk")).count, 0, "no build either");
});

eachBackend("the build hook releases the push of a collaborator or an admin, in their name", async (t, backend) => {
  const h = await startController(t, backend);
  await h.user("alice");
  const bob = await h.user("bob");
  await h.user("carol");
  await bob.apps.create("shared");
  await bob.perms.grant("shared", "carol");
  const push = { app: "shared", sha: "abcdef0123", image: "shared:git-abcdef0", procfile: {}, kind: "dockerfile" as const };
  const byCarol = await h.builder.hooks.build({ ...push, user: "carol" });
  t.like(byCarol.release, { version: 2, owner: "carol", summary: "carol deployed abcdef0", build: byCarol.build.uuid });
  t.like(byCarol.build, { app: "shared", owner: "carol", sha: "abcdef0123" });
  t.regex(byCarol.url ?? "", /shared/);
  const byAdmin = await h.builder.hooks.build({ ...push, user: "alice" });
  t.like(byAdmin.release, { version: 3, owner: "alice" });
});

eachBackend("push-auth counts as a use of the token, so a token only git uses is not the first to be revoked", async (t, backend) => {
  const h = await startController(t, backend);
  await h.user("alice");
  await h.user("bob");
  await (await h.user("carol")).apps.create("gitonly");
  const { token } = await h.client.auth.login("carol", "carol-password");
  t.true((await h.builder.hooks.pushAuth({ user: "carol", token, app: "gitonly" })).allowed);
  const carol = await h.store.db.selectFrom("users").select("id").where("username", "=", "carol").executeTakeFirstOrThrow();
  const rows = await h.store.db.selectFrom("tokens").select(["label", "last_used"]).where("user_id", "=", carol.id).execute();
  const used = rows.filter((row) => row.last_used !== null);
  t.is(used.length, 2, "the token git used, and the one apps.create used");
  await h.builder.hooks.pushAuth({ user: "bob", token, app: "gitonly" });
  const bob = await h.store.db.selectFrom("users").select("id").where("username", "=", "bob").executeTakeFirstOrThrow();
  const bobs = await h.store.db.selectFrom("tokens").select("last_used").where("user_id", "=", bob.id).execute();
  t.true(
    bobs.every((row) => row.last_used === null),
    "a token offered under another user's name is not marked",
  );
});

eachBackend("a failed build becomes a build event in the app's log, masked of its config values", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  await alice.apps.create("hk");
  await alice.config.set("hk", { values: { NPM_TOKEN: "s3cr3t-npm-token" } });
  const failure = { app: "hk", user: "alice", sha: "abcdef1234567", reason: "npm install failed: 401 for s3cr3t-npm-token\nmore output" };
  await rejects(t, h.client.hooks.buildFailed(failure), 401, "UNAUTHENTICATED");
  await rejects(t, h.builder.hooks.buildFailed({ ...failure, sha: "zzz" }), 400, "VALIDATION_FAILED");
  await rejects(t, h.builder.hooks.buildFailed({ ...failure, app: "nope" }), 404, "APP_NOT_FOUND");
  await h.builder.hooks.buildFailed(failure);
  const lines = (await alice.logs.get("hk")).filter((e) => e.tag === "build").map((e) => e.line);
  t.deepEqual(lines, ["build of abcdef1 pushed by alice failed: npm install failed: 401 for [redacted]"]);
});
