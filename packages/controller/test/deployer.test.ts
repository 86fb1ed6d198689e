import test from "ava";
import { BerthError } from "../src/errors.ts";
import { findRollout, updateRollout } from "../src/store/rollouts.ts";
import { APP, deployed, deployFixture, ref } from "./helpers/deploy-fixture.ts";
import { testBackends } from "./helpers/test-store.ts";

for (const backend of testBackends) {
  test(`${backend}: rolls a release out batch by batch, new instances ready before old ones go`, async (t) => {
    const f = await deployFixture(t, backend);
    await f.formation({ web: 2 });
    const v2 = await deployed(f, "shop:1");
    t.is((await f.release(v2)).state, "deployed");
    f.scheduler.events.length = 0;
    f.scheduler.minReadyAfterRemoval.clear();

    const v3 = await deployed(f, "shop:2");

    t.is((await f.release(v3)).state, "deployed");
    t.is((await f.release(v2)).state, "superseded");
    t.deepEqual(f.scheduler.events, [
      "create shop-v3-web",
      "scale shop-v3-web 1",
      "remove shop-v2-web-2",
      "scale shop-v3-web 2",
      "remove shop-v2-web-1",
      "delete shop-v2-web",
    ]);
    t.is(f.scheduler.count(ref(3)), 2);
    t.false(f.scheduler.has(ref(2)));
    t.true((f.scheduler.minReadyAfterRemoval.get(`${APP}/web`) ?? 0) >= 2, "never fewer than 2 ready web instances");
    t.is(await findRollout(f.store.db, APP), undefined, "the rollout record is gone");
    t.deepEqual(
      f.events.map((e) => `${e.kind} ${e.release} ${e.message}`),
      ["deploy v2 rolling out v2", "deploy v2 v2 deployed", "deploy v3 rolling out v3", "deploy v3 v3 deployed"],
    );
  });

  test(`${backend}: takes the batch size from BERTH_DEPLOY_BATCHES`, async (t) => {
    const f = await deployFixture(t, backend);
    await f.formation({ web: 4 });
    await deployed(f, "shop:1");
    await f.config({ values: { BERTH_DEPLOY_BATCHES: "2" } });
    await f.settle();
    const scales = f.scheduler.events.filter((e) => e.startsWith("scale shop-v3-web"));
    t.deepEqual(scales, ["scale shop-v3-web 2", "scale shop-v3-web 4"]);
  });

  test(`${backend}: gives instances the platform's env, then the app's config, which wins`, async (t) => {
    const f = await deployFixture(t, backend);
    await deployed(f, "shop:1", { web: "httpd -f", worker: "work" }, "0123456789abcdef0123456789abcdef01234567");
    await f.config({ values: { GREETING: "hi", BERTH_APP: "mine" }, healthchecks: { web: { path: "/up", timeout: 5 } } });
    await f.settle();
    const web = f.scheduler.spec(ref(3));
    t.deepEqual(web?.env, {
      BERTH_APP: "mine",
      BERTH_RELEASE: "v3",
      SOURCE_VERSION: "0123456789abcdef0123456789abcdef01234567",
      GREETING: "hi",
    });
    t.is(web?.command, "httpd -f");
    t.deepEqual(web?.readiness, { mode: "http", path: "/up", initialDelay: 0, timeout: 5, period: 2, failureThreshold: 3 });
    t.is(f.scheduler.spec(ref(3, "worker"))?.readiness.mode, "running", "a worker without a healthcheck only has to run");
  });

  test(`${backend}: fails a release that is not ready within BERTH_DEPLOY_TIMEOUT and restores the old one`, async (t) => {
    const f = await deployFixture(t, backend);
    await f.formation({ web: 2 });
    await deployed(f, "shop:1");
    await f.config({ values: { BERTH_DEPLOY_TIMEOUT: "0.1" } });
    await f.settle();
    const v4 = await deployed(f, "shop:never");

    const release = await f.release(v4);
    t.is(release.state, "failed");
    t.regex(release.failure ?? "", /shop-v4-web: 0 of 1 instances ready after 0.1s \(healthcheck: TCP connect to \$PORT\)/);
    t.false(f.scheduler.has(ref(4)), "the new group is removed");
    t.is(f.scheduler.count(ref(3)), 2, "the previous release runs as before");
    t.is((await f.release(3)).state, "deployed");
  });

  test(`${backend}: fails a release whose instances exit, naming the instance and its exit code`, async (t) => {
    const f = await deployFixture(t, backend);
    await deployed(f, "shop:1");
    const v3 = await deployed(f, "shop:crash");
    const release = await f.release(v3);
    t.is(release.state, "failed");
    t.is(release.failure, "web.1 (shop-v3-web-1) exited with code 1");
    t.is(f.events.at(-1)?.message, "v3 failed: web.1 (shop-v3-web-1) exited with code 1; the previous release keeps running");
    t.is(f.scheduler.count(ref(2)), 1);
    t.false(f.scheduler.has(ref(3)));
  });

  test(`${backend}: fails a release at once when the engine says an instance cannot run, with the engine's reason`, async (t) => {
    const f = await deployFixture(t, backend, { timeoutMs: 60_000 });
    await deployed(f, "shop:1");
    const started = Date.now();
    const v3 = await deployed(f, "shop:unpullable");
    t.true(Date.now() - started < 10_000, "no waiting for the 60 s timeout");
    const release = await f.release(v3);
    t.is(release.state, "failed");
    t.is(release.failure, 'web.1 (shop-v3-web-1) cannot run: ImagePullBackOff: Back-off pulling image "shop:unpullable"');
    t.is(f.scheduler.count(ref(2)), 1);
    t.false(f.scheduler.has(ref(3)));
  });

  test(`${backend}: rolls every process type back when one of them fails`, async (t) => {
    const f = await deployFixture(t, backend);
    await f.formation({ web: 2, worker: 1 });
    await deployed(f, "shop:1", { web: "serve", worker: "work" });
    t.is(f.scheduler.count(ref(2, "worker")), 1);
    // The web type of v3 comes up fine; the worker crashes: the web rollout is undone as well.
    f.scheduler.onScale = (spec) => {
      if (spec.release === 3 && spec.type === "worker") spec.image = "shop:crash";
    };
    const v3 = await deployed(f, "shop:2", { web: "serve", worker: "work" });
    f.scheduler.onScale = undefined;

    t.is((await f.release(v3)).state, "failed");
    t.regex((await f.release(v3)).failure ?? "", /worker\.1 \(shop-v3-worker-1\) exited/);
    t.true(f.scheduler.events.includes("remove shop-v2-web-1"), "web had been rolled forward before the worker failed");
    t.false(f.scheduler.has(ref(3)));
    t.false(f.scheduler.has(ref(3, "worker")));
    t.is(f.scheduler.count(ref(2)), 2, "web is back to 2 instances of v2");
    t.is(f.scheduler.count(ref(2, "worker")), 1);
  });

  test(`${backend}: fails a release whose instance stops passing its healthcheck failureThreshold times in a row`, async (t) => {
    const f = await deployFixture(t, backend, { timeoutMs: 5000 });
    await f.formation({ web: 2 });
    await deployed(f, "shop:1");
    await f.config({ values: { BERTH_DEPLOY_BATCHES: "2" }, healthchecks: { web: { failureThreshold: 2 } } });
    await f.settle();
    const v4 = await deployed(f, "shop:flaky");
    t.is((await f.release(v4)).failure, "web.1 (shop-v4-web-1) became unhealthy after it was ready");
    t.is(f.scheduler.count(ref(3)), 2);
  });

  test(`${backend}: fails a release whose image the scheduler cannot run`, async (t) => {
    const f = await deployFixture(t, backend);
    await deployed(f, "shop:1");
    const v3 = await deployed(f, "shop:missing");
    t.is((await f.release(v3)).failure, "the scheduler failed: image shop:missing not found");
    t.is(f.scheduler.count(ref(2)), 1);
  });

  test(`${backend}: refuses a restart with 409 while a release rolls out, naming the rollout`, async (t) => {
    const f = await deployFixture(t, backend, { timeoutMs: 5000 });
    await deployed(f, "shop:1");
    const v3 = await f.build("shop:never");
    const error = await t.throwsAsync(f.deployer.restart(APP), { instanceOf: BerthError });
    t.is(error?.code, "ROLLOUT_IN_PROGRESS");
    t.is(error?.status, 409);
    t.regex(error?.message ?? "", /the rollout of v3 of "shop" is in progress/);
    t.is((await findRollout(f.store.db, APP))?.version, v3, "the rollout goes on");
    await f.deployer.destroy(APP);
  });

  test(`${backend}: resumes a rollout that was interrupted, after a restart of the controller`, async (t) => {
    const f = await deployFixture(t, backend);
    await f.formation({ web: 3 });
    await deployed(f, "shop:1");
    let closing: Promise<void> | undefined;
    f.scheduler.onScale = (spec, replicas) => {
      // The controller dies after the second batch of v3 was started.
      if (spec.release === 3 && replicas === 2) closing = f.deployer.close();
    };
    await f.build("shop:2");
    await f.settle();
    await closing;
    f.scheduler.onScale = undefined;
    t.is((await f.release(3)).state, "pending");
    t.is(f.scheduler.count(ref(3)), 2);
    t.true(f.scheduler.has(ref(2)), "the old group still runs");

    const restarted = f.newDeployer();
    await restarted.reconcile();
    await restarted.idle();

    t.is((await f.release(3)).state, "deployed");
    t.is(f.scheduler.count(ref(3)), 3);
    t.false(f.scheduler.has(ref(2)));
    t.is(await findRollout(f.store.db, APP), undefined);
  });

  test(`${backend}: finishes reverting a rollout that was being reverted when the controller stopped`, async (t) => {
    const f = await deployFixture(t, backend, { timeoutMs: 5000 });
    await f.formation({ web: 2 });
    await deployed(f, "shop:1");
    f.scheduler.onScale = (spec, replicas) => {
      if (spec.release === 3 && replicas === 1) void f.deployer.close();
    };
    await f.build("shop:never");
    await f.deployer.idle();
    f.scheduler.onScale = undefined;
    await updateRollout(f.store.db, APP, 3, { phase: "reverting", reason: "web.1 exited with code 3" });

    const restarted = f.newDeployer();
    await restarted.reconcile();
    await restarted.idle();

    t.is((await f.release(3)).state, "failed");
    t.is((await f.release(3)).failure, "web.1 exited with code 3");
    t.false(f.scheduler.has(ref(3)));
    t.is(f.scheduler.count(ref(2)), 2);
  });

  test(`${backend}: reconcile brings back instances that went missing and removes stray groups`, async (t) => {
    const f = await deployFixture(t, backend);
    await f.formation({ web: 2 });
    await deployed(f, "shop:1");
    f.scheduler.kill(ref(2), 1);
    await f.scheduler.scaleGroup({ ...(f.scheduler.spec(ref(2)) ?? t.fail()), release: 9 }, 1);
    await f.deployer.reconcile();
    t.is(f.scheduler.count(ref(2)), 2);
    t.false(f.scheduler.has(ref(9)));
  });

  test(`${backend}: scale changes the live group, and 0 stops it`, async (t) => {
    const f = await deployFixture(t, backend);
    await deployed(f, "shop:1", { web: "serve", worker: "work" });
    await f.deployer.scale(APP, { worker: 3 });
    t.is(f.scheduler.count(ref(2, "worker")), 3);
    t.is(f.scheduler.count(ref(2)), 1, "types not named keep their count");
    await f.deployer.scale(APP, { web: 0 });
    t.is(f.scheduler.count(ref(2)), 0);
  });

  test(`${backend}: restart replaces every instance batch by batch without losing a ready one`, async (t) => {
    const f = await deployFixture(t, backend);
    await f.formation({ web: 2 });
    await deployed(f, "shop:1");
    const before = f.scheduler.serials(ref(2));
    f.scheduler.minReadyAfterRemoval.clear();
    await f.deployer.restart(APP);
    const after = f.scheduler.serials(ref(2));
    t.is(after.length, 2);
    t.false(
      after.some((s) => before.includes(s)),
      "every instance is new",
    );
    t.true((f.scheduler.minReadyAfterRemoval.get(`${APP}/web`) ?? 0) >= 2);
    t.is(await findRollout(f.store.db, APP), undefined);
  });

  test(`${backend}: a restart whose new instances crash keeps the old ones`, async (t) => {
    const f = await deployFixture(t, backend);
    await f.formation({ web: 2 });
    await deployed(f, "shop:1");
    const before = f.scheduler.serials(ref(2));
    f.scheduler.onScale = (spec) => {
      spec.image = "shop:crash";
    };
    const error = await t.throwsAsync(f.deployer.restart(APP, "web"), { instanceOf: BerthError });
    t.regex(error?.message ?? "", /restart of web stopped: web\.3 \(shop-v2-web-3\) exited with code 1; the old instances keep running/);
    t.deepEqual(f.scheduler.serials(ref(2)), before);
    await t.throwsAsync(f.deployer.restart(APP, "clock"), { message: /process type "clock" is not in the live release/ });
  });

  test(`${backend}: reports each crash the engine restarted as an event with its restart count, once`, async (t) => {
    const f = await deployFixture(t, backend);
    await deployed(f, "shop:1");
    f.scheduler.crash(ref(2), 1, 9);
    await f.deployer.checkCrashes();
    t.false(
      f.events.some((e) => e.kind === "crash"),
      "crashes from before the first check are not news",
    );
    f.scheduler.crash(ref(2), 1, 137);
    await f.deployer.checkCrashes();
    await f.deployer.checkCrashes();
    const crashes = f.events.filter((e) => e.kind === "crash");
    t.deepEqual(
      crashes.map((e) => [e.app, e.release, e.message]),
      [[APP, "v2", "web.1 (shop-v2-web-1) exited with code 137; restarted 2 time(s)"]],
    );
  });

  test(`${backend}: a crash the scheduler's watch reports is checked at once, not at the interval, until close`, async (t) => {
    const f = await deployFixture(t, backend);
    await deployed(f, "shop:1");
    f.deployer.watchCrashes({ intervalMs: 600_000, debounceMs: 5 });
    t.is(f.scheduler.watchers.size, 1);
    // The first check, right away, takes note of what runs.
    await new Promise((resolve) => setTimeout(resolve, 100));
    f.scheduler.crash(ref(2), 1, 137);
    const crashes = () => f.events.filter((e) => e.kind === "crash").map((e) => e.message);
    for (let i = 0; i < 100 && crashes().length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    t.deepEqual(crashes(), ["web.1 (shop-v2-web-1) exited with code 137; restarted 1 time(s)"]);

    await f.deployer.close();
    t.is(f.scheduler.watchers.size, 0, "close stops the watch");
    f.scheduler.crash(ref(2), 1, 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    t.is(crashes().length, 1, "nothing is checked after close");
  });

  test(`${backend}: lists pods from the scheduler and removes everything on destroy`, async (t) => {
    const f = await deployFixture(t, backend);
    await deployed(f, "shop:1");
    const pods = await f.deployer.pods(APP);
    t.deepEqual(pods, [
      {
        name: "shop-v2-web-1",
        type: "web",
        release: "v2",
        state: "running",
        ready: true,
        started: "2026-01-01T00:00:00.000Z",
        restarts: 0,
      },
    ]);
    await f.deployer.destroy(APP);
    t.deepEqual(await f.deployer.pods(APP), []);
  });
}

for (const backend of testBackends) {
  test(`${backend}: a type named constructor in a build from before the rule rolls out and ends, reading nothing from the prototype`, async (t) => {
    const f = await deployFixture(t, backend);
    const v2 = await f.build("shop:1", JSON.parse('{"web": "serve", "constructor": "loop"}'));
    await f.settle();
    t.is((await f.release(v2)).state, "deployed");
    t.is(f.scheduler.count(ref(2)), 1);
    t.is(f.scheduler.count(ref(2, "constructor")), 0, "not scaled to Object's constructor");
  });

  test(`${backend}: a formation count that is not a number is an error naming it, never a rollout that cannot end`, async (t) => {
    const f = await deployFixture(t, backend);
    await deployed(f, "shop:1");
    await f.store.db.updateTable("apps").set({ structure: '{"web": "two"}' }).where("id", "=", APP).execute();
    const error = await t.throwsAsync(f.build("shop:2"), { instanceOf: BerthError });
    t.is(error?.code, "INTERNAL");
    t.is(error?.message, "the stored formation is not valid: web is not a number of instances");
    t.is((await f.release(2)).state, "deployed", "no release was made; the previous one keeps running");
    t.is(f.scheduler.count(ref(2)), 1);
  });
}
