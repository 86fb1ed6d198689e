import type { Deployer } from "../src/deployer.ts";
import { setReleaseState } from "../src/store/releases.ts";
import { eachBackend, rejects } from "./helpers/backend-test.ts";
import { startController } from "./helpers/controller.ts";

eachBackend("deploying an image records a build and a release that the deployer receives", async (t, backend) => {
  const handed: string[] = [];
  const deployer: Deployer = {
    accept: async () => {},
    deploy: async (app, version) => void handed.push(`${app}@v${version}`),
    scale: async () => {},
    restart: async () => {},
    pods: async () => [],
    logs: async () => [],
    destroy: async () => {},
  };
  const h = await startController(t, backend, { deployer });
  const alice = await h.user("alice");
  await alice.apps.create("img");
  const build = await alice.builds.create("img", { image: "registry.example.test:5000/team/img:1.4", procfile: { web: "serve" } });
  t.like(build, { kind: "image", sha: "", image: "registry.example.test:5000/team/img:1.4", procfile: { web: "serve" } });
  const release = await alice.releases.get("img", 2);
  t.like(release, { build: build.uuid, summary: "alice deployed registry.example.test:5000/team/img:1.4", state: "pending" });
  t.deepEqual(handed, ["img@v2"]);
  t.is((await alice.builds.list("img")).count, 1);
});

eachBackend("with no scheduler, releases are recorded as deployed and supersede the one before", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  await alice.apps.create("rec");
  await alice.builds.create("rec", { image: "example.test/rec:1" });
  await alice.config.set("rec", { values: { A: "1" } });
  const states = (await alice.releases.list("rec")).results.map((r) => `v${r.version}:${r.state}`);
  t.deepEqual(states, ["v3:deployed", "v2:superseded", "v1:superseded"]);
});

eachBackend("an image reference that is not one is refused", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  await alice.apps.create("img");
  for (const image of ["", "UPPER/case", "has space", "x;rm -rf /", "a:b:c"]) {
    await rejects(t, alice.builds.create("img", { image }), 400, "VALIDATION_FAILED");
  }
  await rejects(t, alice.builds.create("img", { image: "ok/img", procfile: { web: "" } }), 400, "VALIDATION_FAILED");
  await rejects(t, alice.builds.create("img", { image: "ok/img", procfile: { "Bad Type": "x" } }), 400, "VALIDATION_FAILED");
  const reserved = await rejects(
    t,
    alice.builds.create("img", { image: "ok/img", procfile: { constructor: "x" } }),
    400,
    "VALIDATION_FAILED",
  );
  t.regex(reserved.message, /"constructor" is a reserved name/);
  t.is((await alice.releases.list("img")).count, 1);
});

eachBackend("rollback makes release N+1 with the target's build and config", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  await alice.apps.create("rb");
  await alice.builds.create("rb", { image: "example.test/rb:1" }); // v2
  await alice.config.set("rb", { values: { GREETING: "hello" } }); // v3
  await alice.config.set("rb", { values: { GREETING: "howdy" } }); // v4
  const v3 = await alice.releases.get("rb", 3);
  const back = await alice.releases.rollback("rb", 3); // v5
  t.like(back, { version: 5, summary: "alice rolled back to v3", build: v3.build, config: v3.config });
  t.deepEqual((await alice.config.get("rb")).values, { GREETING: "hello" });
  const previous = await alice.releases.rollback("rb"); // v6 = v4 (the one before the live v5)
  t.like(previous, { version: 6, summary: "alice rolled back to v4" });
  t.deepEqual((await alice.config.get("rb")).values, { GREETING: "howdy" });
  t.is((await alice.releases.list("rb")).count, 6, "history is never rewritten");
});

eachBackend("rollback to v1, to a failed release, to a missing one or to the same content is refused", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  await alice.apps.create("rb");
  const none = await rejects(t, alice.releases.rollback("rb"), 409, "ROLLBACK_REFUSED");
  t.regex(none.message, /no release before v1/);
  await alice.builds.create("rb", { image: "example.test/rb:1" }); // v2
  await alice.config.set("rb", { values: { A: "1" } }); // v3
  await rejects(t, alice.releases.rollback("rb", 1), 409, "ROLLBACK_REFUSED");
  await setReleaseState(h.store.db, "rb", 2, "failed", "never became ready");
  const failed = await rejects(t, alice.releases.rollback("rb", 2), 409, "ROLLBACK_REFUSED");
  t.regex(failed.message, /failed/);
  await rejects(t, alice.releases.rollback("rb", 99), 404, "RELEASE_NOT_FOUND");
  await rejects(t, alice.releases.rollback("rb", 3), 409, "NOTHING_CHANGED");
  await rejects(t, alice.request("POST", "/v2/apps/rb/releases/rollback", { version: "v2" }), 400, "VALIDATION_FAILED");
  t.is((await alice.releases.list("rb")).count, 3);
});

eachBackend("a failed release is not the base of the next change", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  await alice.apps.create("rb");
  await alice.builds.create("rb", { image: "example.test/rb:1" }); // v2
  await alice.config.set("rb", { values: { BROKEN: "1" } }); // v3
  await setReleaseState(h.store.db, "rb", 3, "failed", "crashed on boot");
  t.deepEqual((await alice.config.get("rb")).values, {}, "the live config is v2's");
  await alice.config.set("rb", { values: { OK: "1" } }); // v4 from v2
  t.deepEqual((await alice.config.get("rb")).values, { OK: "1" });
  t.like(await alice.releases.get("rb", 3), { state: "failed", failure: "crashed on boot" });
});

eachBackend("a release is shown by version; unknown or malformed versions are 404 and 400", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  await alice.apps.create("rel");
  t.is((await alice.request<{ version: number }>("GET", "/v2/apps/rel/releases/v1")).version, 1);
  await rejects(t, alice.releases.get("rel", 7), 404, "RELEASE_NOT_FOUND");
  await rejects(t, alice.request("GET", "/v2/apps/rel/releases/vx"), 400, "VALIDATION_FAILED");
});

eachBackend("builds are listed newest first and shown with their log", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  await alice.apps.create("blt");
  const first = await h.builder.hooks.build({
    app: "blt",
    user: "alice",
    sha: "3f2a1c0d9e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f",
    image: "blt:git-3f2a1c0",
    procfile: { web: "npm start" },
    kind: "buildpack",
    log: "step 1/3\nok\n",
    durationMs: 4200,
  });
  t.like(first.release, { version: 2, summary: "alice deployed 3f2a1c0" });
  const second = await alice.builds.create("blt", { image: "example.test/blt:2" });
  const list = await alice.builds.list("blt");
  t.deepEqual(list.results.map((b) => b.uuid).sort(), [first.build.uuid, second.uuid].sort());
  const detail = await alice.builds.get("blt", first.build.uuid);
  t.like(detail, { log: "step 1/3\nok\n", durationMs: 4200, sha: "3f2a1c0d9e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f" });
  await rejects(t, alice.builds.get("blt", "no-such-build"), 404, "BUILD_NOT_FOUND");
});
