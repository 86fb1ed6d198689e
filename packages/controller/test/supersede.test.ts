import test from "ava";
import { rollback } from "../src/services/releases.ts";
import { recentEvents } from "../src/store/app-events.ts";
import { findConfig, listReleases } from "../src/store/releases.ts";
import { deleteRollout, findRollout, insertRollout, takeOverRollout } from "../src/store/rollouts.ts";
import { APP, deployed, deployFixture, ref } from "./helpers/deploy-fixture.ts";
import { testBackends } from "./helpers/test-store.ts";

/** Resolves the first time the scheduler scales `release`'s web group to `replicas`. */
function whenScaled(f: Awaited<ReturnType<typeof deployFixture>>, release: number, replicas: number): Promise<void> {
  return new Promise((resolve) => {
    f.scheduler.onScale = (spec, n) => {
      if (spec.release !== release || n !== replicas) return;
      f.scheduler.onScale = undefined;
      resolve();
    };
  });
}

for (const backend of testBackends) {
  test(`${backend}: a config change during a rollout takes it over: the release in between ends superseded and the newest is deployed`, async (t) => {
    const f = await deployFixture(t, backend);
    await f.formation({ web: 2 });
    await deployed(f, "shop:1");
    const halfway = whenScaled(f, 3, 1);
    const v3 = await f.build("shop:2");
    await halfway;

    const v4 = await f.config({ values: { GREETING: "hi" } });
    await f.settle();

    t.is(v4, v3 + 1);
    const mid = await f.release(v3);
    t.is(mid.state, "superseded");
    t.is(mid.failure, "superseded by v4 before its rollout finished");
    t.is((await f.release(v4)).state, "deployed");
    t.is((await f.release(2)).state, "superseded");
    t.is(f.scheduler.count(ref(4)), 2);
    t.false(f.scheduler.has(ref(3)), "no instance of the release in between is left");
    t.false(f.scheduler.has(ref(2)));
    t.is(f.scheduler.spec(ref(4))?.image, "shop:2", "the newest release has the pushed build");
    t.is(f.scheduler.spec(ref(4))?.env.GREETING, "hi");
    t.is(await findRollout(f.store.db, APP), undefined);
    const log = await recentEvents(f.store.db, APP, 50);
    t.true(
      log.some((e) => e.message === "v4 takes over the rollout of v3"),
      "the app's log says so",
    );
  });

  test(`${backend}: two changes in quick succession both land, in order`, async (t) => {
    const f = await deployFixture(t, backend);
    await deployed(f, "shop:1");
    const [a, b] = await Promise.all([f.config({ values: { A: "1" } }), f.config({ values: { B: "2" } })]);
    await f.settle();

    t.deepEqual([a, b].sort(), [3, 4]);
    const last = await f.release(4);
    t.is(last.state, "deployed");
    const config = await findConfig(f.store.db, last.config_id);
    t.deepEqual({ ...config?.values }, { A: "1", B: "2" }, "the second change was made on top of the first");
    t.not((await f.release(3)).state, "pending");
    t.deepEqual(f.scheduler.spec(ref(4))?.env.A, "1");
    t.is(f.scheduler.count(ref(4)), 1);
  });

  test(`${backend}: a scale during a rollout changes the counts the rollout ends with`, async (t) => {
    const f = await deployFixture(t, backend);
    await f.formation({ web: 2 });
    await deployed(f, "shop:1");
    const halfway = whenScaled(f, 3, 1);
    await f.build("shop:2");
    await halfway;

    await f.formation({ web: 3 });
    await f.deployer.scale(APP, { web: 3 });
    await f.settle();

    t.is((await f.release(3)).state, "deployed");
    t.is(f.scheduler.count(ref(3)), 3);
    t.false(f.scheduler.has(ref(2)));
  });

  test(`${backend}: a release that fails after taking over a rollout restores what ran before the first`, async (t) => {
    const f = await deployFixture(t, backend);
    await f.formation({ web: 2 });
    await deployed(f, "shop:1");
    const halfway = whenScaled(f, 3, 1);
    await f.build("shop:2");
    await halfway;

    const v4 = await f.build("shop:crash");
    await f.settle();

    t.is((await f.release(3)).state, "superseded");
    t.is((await f.release(v4)).state, "failed");
    t.is((await f.release(2)).state, "deployed", "the release that ran before keeps running");
    t.is(f.scheduler.count(ref(2)), 2);
    t.false(f.scheduler.has(ref(3)));
    t.false(f.scheduler.has(ref(4)));
  });

  test(`${backend}: a rollback during a rollout takes it over too`, async (t) => {
    const f = await deployFixture(t, backend, { timeoutMs: 5000 });
    await deployed(f, "shop:1");
    await f.build("shop:never");

    const back = await rollback(f.deps, APP, f.actor, 2);
    await f.settle();

    t.is((await f.release(3)).state, "superseded");
    t.is((await f.release(back)).state, "deployed");
    t.is(f.scheduler.spec(ref(back))?.image, "shop:1");
    t.false(f.scheduler.has(ref(3)));
    const { rows } = await listReleases(f.store.db, APP, 10, 0);
    t.deepEqual(
      rows.map((r) => `${r.version} ${r.state}`),
      ["4 deployed", "3 superseded", "2 superseded", "1 superseded"],
    );
  });

  test(`${backend}: a takeover claims the rollout slot even when the restart holding it ended just before`, async (t) => {
    // The race behind a release left pending for good: the new release read the restart's slot, the
    // restart ended and freed it, and the takeover then updated a row that was gone.
    const f = await deployFixture(t, backend);
    await deployed(f, "shop:1");
    const plan = { formation: { web: 1 }, previous: null };
    await insertRollout(f.store.db, { app: APP, version: 0, kind: "restart", phase: "rolling", plan });
    const held = await findRollout(f.store.db, APP);
    t.is(held?.kind, "restart");
    await deleteRollout(f.store.db, APP, 0);

    await takeOverRollout(f.store.db, APP, 3, plan);
    const claimed = await findRollout(f.store.db, APP);
    t.like(claimed, { version: 3, kind: "deploy", phase: "rolling", plan });

    // A slot still held is taken over as before: the newer release, the rollout's start kept.
    await takeOverRollout(f.store.db, APP, 4, { formation: { web: 2 }, previous: null });
    t.like(await findRollout(f.store.db, APP), { version: 4, kind: "deploy", plan: { formation: { web: 2 } }, started: claimed?.started });
  });

  test(`${backend}: a restart in progress gives way to a new release`, async (t) => {
    const f = await deployFixture(t, backend, { timeoutMs: 5000 });
    await f.formation({ web: 2 });
    await deployed(f, "shop:1");
    const restarting = whenScaled(f, 2, 3);
    const restart = f.deployer.restart(APP);
    await restarting;

    const v3 = await f.config({ values: { A: "1" } });
    await restart;
    await f.settle();

    t.is((await f.release(v3)).state, "deployed");
    t.is(f.scheduler.count(ref(v3)), 2);
    t.false(f.scheduler.has(ref(2)));
    t.is(await findRollout(f.store.db, APP), undefined);
  });
}
