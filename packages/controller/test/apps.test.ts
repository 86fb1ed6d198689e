import { eachBackend, rejects } from "./helpers/backend-test.ts";
import { startController } from "./helpers/controller.ts";

eachBackend("creating an app records release v1 with no build", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  const app = await alice.apps.create("myapp");
  t.like(app, { id: "myapp", owner: "alice", structure: {}, url: "http://myapp.example.test" });
  const releases = await alice.releases.list("myapp");
  t.is(releases.count, 1);
  t.like(releases.results[0], { version: 1, build: null, summary: "alice created initial release" });
});

eachBackend("an app without a name gets a readable random one", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  const app = await alice.apps.create();
  t.regex(app.id, /^[a-z]+-[a-z]+-\d{4}$/);
  t.is((await alice.apps.get(app.id)).id, app.id);
});

eachBackend("invalid and reserved app names are refused with 400 and nothing is created", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  for (const id of ["MyApp", "my.app", "my/app", "..", "../etc", "1app", "-app", "app-", "a".repeat(64), "", "my_app", "berth", "git"]) {
    const e = await rejects(t, alice.apps.create(id), 400, "VALIDATION_FAILED");
    t.is(e.field, "id", id);
  }
  await rejects(t, alice.request("POST", "/v2/apps", { id: 42 }), 400, "VALIDATION_FAILED");
  t.is((await alice.apps.list()).count, 0);
  t.is((await alice.apps.create("a".repeat(63))).id.length, 63);
});

eachBackend("a taken app name is refused with 409", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  const bob = await h.user("bob");
  await alice.apps.create("myapp");
  const e = await rejects(t, bob.apps.create("myapp"), 409, "APP_EXISTS");
  t.regex(e.message, /myapp/);
});

eachBackend("users list their own and shared apps; admins see all; lists are paginated", async (t, backend) => {
  const h = await startController(t, backend);
  const admin = await h.user("alice");
  const bob = await h.user("bob");
  const carol = await h.user("carol");
  await bob.apps.create("bob-one");
  await bob.apps.create("bob-two");
  await carol.apps.create("carol-one");
  await carol.perms.grant("carol-one", "bob");
  const mine = await bob.apps.list();
  t.deepEqual(
    mine.results.map((a) => a.id),
    ["bob-one", "bob-two", "carol-one"],
  );
  t.is((await carol.apps.list()).count, 1);
  const page = await admin.apps.list({ limit: 1, offset: 1 });
  t.is(page.count, 3);
  t.deepEqual(
    page.results.map((a) => a.id),
    ["bob-two"],
  );
  await rejects(t, admin.apps.list({ limit: 5000 }), 400, "VALIDATION_FAILED");
  await rejects(t, admin.request("GET", "/v2/apps", undefined, { offset: -1 }), 400, "VALIDATION_FAILED");
});

eachBackend("an unknown app is 404 with a hint; another user's app is 403", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  const bob = await h.user("bob");
  await alice.apps.create("private-app");
  const missing = await rejects(t, bob.apps.get("nope"), 404, "APP_NOT_FOUND");
  t.regex(missing.hint ?? "", /berth apps/);
  const denied = await rejects(t, bob.config.get("private-app"), 403, "FORBIDDEN");
  t.notRegex(denied.message, /alice/, "does not leak the owner");
});

eachBackend("destroying an app removes it with its releases; only the owner or an admin may", async (t, backend) => {
  const h = await startController(t, backend);
  const admin = await h.user("alice");
  const bob = await h.user("bob");
  const carol = await h.user("carol");
  await bob.apps.create("doomed");
  await bob.config.set("doomed", { values: { A: "1" } });
  await bob.perms.grant("doomed", "carol");
  await rejects(t, carol.apps.destroy("doomed"), 403, "FORBIDDEN");
  await bob.apps.destroy("doomed");
  await rejects(t, bob.apps.get("doomed"), 404, "APP_NOT_FOUND");
  const again = await bob.apps.create("doomed");
  t.is((await bob.releases.list(again.id)).count, 1, "a re-created app starts from v1");
  await admin.apps.destroy("doomed");
  await rejects(t, bob.apps.get("doomed"), 404, "APP_NOT_FOUND");
});

eachBackend("the owner transfers an app to another user, who then owns it", async (t, backend) => {
  const h = await startController(t, backend);
  await h.user("alice");
  const bob = await h.user("bob");
  const carol = await h.user("carol");
  await bob.apps.create("handed");
  await rejects(t, carol.apps.transfer("handed", "carol"), 403, "FORBIDDEN");
  await rejects(t, bob.apps.transfer("handed", "nobody"), 404, "USER_NOT_FOUND");
  t.is((await bob.apps.transfer("handed", "carol")).owner, "carol");
  await carol.apps.destroy("handed");
  t.is((await carol.apps.list()).count, 0);
});

eachBackend("collaborators use an app but cannot delete, transfer or share it", async (t, backend) => {
  const h = await startController(t, backend);
  await h.user("alice");
  const bob = await h.user("bob");
  const carol = await h.user("carol");
  await h.user("dave");
  await bob.apps.create("shared");
  t.deepEqual((await bob.perms.grant("shared", "carol")).users, ["carol"]);
  await rejects(t, bob.perms.grant("shared", "carol"), 409, "CONFLICT");
  await rejects(t, bob.perms.grant("shared", "nobody"), 404, "USER_NOT_FOUND");
  await carol.config.set("shared", { values: { BY: "carol" } });
  t.deepEqual((await carol.perms.list("shared")).users, ["carol"]);
  await rejects(t, carol.perms.grant("shared", "dave"), 403, "FORBIDDEN");
  await rejects(t, carol.apps.transfer("shared", "carol"), 403, "FORBIDDEN");
  await rejects(t, carol.apps.destroy("shared"), 403, "FORBIDDEN");
  await bob.perms.revoke("shared", "carol");
  await rejects(t, carol.config.get("shared"), 403, "FORBIDDEN");
  await rejects(t, bob.perms.revoke("shared", "carol"), 404, "NOT_FOUND");
});

eachBackend("scaling needs a build and known process types", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  await alice.apps.create("scaly");
  await rejects(t, alice.scale.set("scaly", { web: 2 }), 409, "NO_BUILD");
  await alice.builds.create("scaly", { image: "example.test/scaly:1", procfile: { web: "node server.js", worker: "node work.js" } });
  t.deepEqual((await alice.apps.get("scaly")).structure, { web: 1 }, "a first web process gets one instance");
  t.deepEqual((await alice.scale.set("scaly", { web: 3, worker: 1 })).structure, { web: 3, worker: 1 });
  const unknown = await rejects(t, alice.scale.set("scaly", { clock: 1 }), 400, "UNKNOWN_PROCESS_TYPE");
  t.regex(unknown.hint ?? "", /web, worker/);
  await rejects(t, alice.scale.set("scaly", { web: -1 }), 400, "VALIDATION_FAILED");
  await rejects(t, alice.scale.set("scaly", { web: 1.5 }), 400, "VALIDATION_FAILED");
  await rejects(t, alice.scale.set("scaly", {}), 400, "VALIDATION_FAILED");
  t.deepEqual((await alice.scale.set("scaly", { worker: 0 })).structure, { web: 3, worker: 0 });
});

eachBackend("a new build drops process types that left the Procfile from the formation", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  await alice.apps.create("shifty");
  await alice.builds.create("shifty", { image: "example.test/shifty:1", procfile: { web: "a", worker: "b" } });
  await alice.scale.set("shifty", { web: 2, worker: 2 });
  await alice.builds.create("shifty", { image: "example.test/shifty:2", procfile: { web: "a" } });
  t.deepEqual((await alice.apps.get("shifty")).structure, { web: 2 });
});
