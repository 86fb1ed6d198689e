import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ControllerClient, type Release } from "@berth/api";
import { createController, type Deployer, openStore, ReleaseHub, silentLogger, type Store } from "@berth/controller";
import test, { type ExecutionContext } from "ava";
import { waitForRollout } from "../src/build/rollout.ts";
import { BuildOutput } from "../src/build/output.ts";

/** Leaves every release after v1 pending: the test ends its rollout by writing the store. */
const pendingDeployer: Deployer = {
  async accept() {},
  async deploy() {},
  async scale() {},
  async restart() {},
  async pods() {
    return [];
  },
  async logs() {
    return [];
  },
  async destroy() {},
};

interface Setup {
  builder: ControllerClient;
  store: Store;
  hub: ReleaseHub;
  /** v2 of `web`, pending. */
  release: Release;
}

/** A real controller over a temporary store, with the app `web` whose v2 is pending. */
async function setup(t: ExecutionContext): Promise<Setup> {
  const dataDir = await mkdtemp(join(tmpdir(), "berth-b-rollout-"));
  const store = await openStore({ dataDir });
  const hub = new ReleaseHub();
  const builderKey = "test-builder-key";
  const { app } = createController({
    store,
    logger: silentLogger,
    releaseHub: hub,
    deployer: pendingDeployer,
    settings: { registrationMode: "open", builderKey, appUrlTemplate: "http://{app}.localhost:8080" },
  });
  const server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.teardown(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const anonymous = new ControllerClient({ url });
  const { token } = await anonymous.auth.register({ username: "alice", password: "correct-horse-battery" });
  const alice = anonymous.withToken(token ?? "");
  await alice.apps.create("web");
  await alice.config.set("web", { values: { A: "1" } });
  return { builder: new ControllerClient({ url, builderKey }), store, hub, release: await alice.releases.get("web", 2) };
}

/** Ends v2's rollout in the store and tells the hub, as the deployer does. */
async function settle(s: Setup, state: "deployed" | "failed" | "superseded"): Promise<void> {
  while (s.hub.waiting("web") === 0) await sleep(5);
  await s.store.db
    .updateTable("releases")
    .set({ state, failure: state === "failed" ? "web.1 exited with code 1" : null })
    .where("app_id", "=", "web")
    .where("version", "=", 2)
    .execute();
  s.hub.changed("web");
}

for (const state of ["deployed", "failed", "superseded"] as const) {
  test(`a pending release is followed until it is ${state}; the push is told once that it deploys`, async (t) => {
    const s = await setup(t);
    const lines: string[] = [];
    const out = new BuildOutput((text) => lines.push(text));
    const [release] = await Promise.all([waitForRollout(s.builder, "web", s.release, out, new AbortController().signal), settle(s, state)]);
    t.like(release, { version: 2, state });
    t.deepEqual(lines, ["-----> deploying v2\n"]);
  });
}

test("a pusher who leaves stops the waiting: the release comes back as last seen, and the rollout goes on", async (t) => {
  const s = await setup(t);
  const left = new AbortController();
  const following = waitForRollout(s.builder, "web", s.release, new BuildOutput(() => {}), left.signal);
  while (s.hub.waiting("web") === 0) await sleep(5);
  left.abort();
  t.like(await following, { version: 2, state: "pending" });
  while (s.hub.waiting("web") > 0) await sleep(5);
});

test("a release that is already settled is returned without a word", async (t) => {
  const s = await setup(t);
  const lines: string[] = [];
  const deployed = { ...s.release, state: "deployed" as const };
  t.is(
    await waitForRollout(s.builder, "web", deployed, new BuildOutput((text) => lines.push(text)), new AbortController().signal),
    deployed,
  );
  t.deepEqual(lines, []);
});

test("each change of the rollout's progress is a line of the push until the release settles", async (t) => {
  const s = await setup(t);
  const lines: string[] = [];
  const out = new BuildOutput((text) => lines.push(text));
  const following = waitForRollout(s.builder, "web", s.release, out, new AbortController().signal);
  const progress = (phase: string, ready: number, starting: number) =>
    JSON.stringify({ phase, type: phase === "rolling" ? "web" : null, ready, starting, want: 2 });
  /** Records progress as the deployer does once the push waits, and waits until the push has a line for it. */
  const record = async (text: string, shown: string) => {
    while (s.hub.waiting("web") === 0) await sleep(5);
    await s.store.db.updateTable("rollouts").set({ progress: text }).where("app_id", "=", "web").execute();
    s.hub.changed("web");
    while (!lines.some((l) => l.includes(shown))) await sleep(5);
  };
  const now = new Date().toISOString();
  const plan = JSON.stringify({ formation: { web: 2 }, previous: null });
  await s.store.db
    .insertInto("rollouts")
    .values({ app_id: "web", version: 2, kind: "deploy", phase: "rolling", plan, reason: null, progress: null, started: now, updated: now })
    .execute();
  await record(progress("rolling", 0, 1), "0/2 ready");
  await record(progress("rolling", 1, 2), "1/2 ready");
  await record(progress("watching", 2, 2), "watching");
  await s.store.db.deleteFrom("rollouts").where("app_id", "=", "web").execute();
  await settle(s, "deployed");
  t.like(await following, { version: 2, state: "deployed" });
  t.deepEqual(lines, [
    "-----> deploying v2\n",
    "       v2: 0/2 ready, 1 starting (web)\n",
    "       v2: 1/2 ready, 1 starting (web)\n",
    "       v2: 2/2 ready; watching for crashes\n",
  ]);
});
