import test from "ava";
import { APP, type DeployFixture, deployed, deployFixture, ref } from "./helpers/deploy-fixture.ts";
import { testBackends } from "./helpers/test-store.ts";

/** Resolves once the deployer says it watches `version`. */
function watching(f: DeployFixture, version: number): Promise<void> {
  return new Promise((resolve) => {
    const look = setInterval(() => {
      if (!f.events.some((e) => e.release === `v${version}` && e.message.includes("watching it for"))) return;
      clearInterval(look);
      resolve();
    }, 2);
  });
}

for (const backend of testBackends) {
  test(`${backend}: a release whose instance crashes in the post-deploy watch fails, and the old instances serve again at once`, async (t) => {
    const f = await deployFixture(t, backend, { watchMs: 2000 });
    await f.formation({ web: 2 });
    await deployed(f, "shop:1");
    const old = f.scheduler.serials(ref(2));

    const v3 = await f.build("shop:2");
    await watching(f, v3);
    const during = await f.deployer.upstreams(APP);
    t.is(f.scheduler.count(ref(2)), 2, "the old instances keep running through the watch");
    t.is(during.draining.length, 2, "…out of the route table");
    t.is(during.ready.length, 2);
    f.scheduler.crash(ref(3), 1, 7);
    await f.settle();

    const failed = await f.release(v3);
    t.is(failed.state, "failed");
    t.regex(failed.failure ?? "", /^web\.1 \(shop-v3-web-1\) exited with code 7 within 2s of v3 becoming ready$/);
    t.is((await f.release(2)).state, "deployed");
    t.deepEqual(f.scheduler.serials(ref(2)), old, "the very same old instances, not new ones started cold");
    const after = await f.deployer.upstreams(APP);
    t.is(after.ready.length, 2);
    t.deepEqual(after.draining, []);
    t.false(f.scheduler.has(ref(3)));
  });

  test(`${backend}: a release whose instance stops passing its check in the post-deploy watch fails, and the old instances serve again`, async (t) => {
    const f = await deployFixture(t, backend, { watchMs: 5000 });
    await deployed(f, "shop:1");
    const old = f.scheduler.serials(ref(2));

    const v3 = await f.build("shop:2");
    await watching(f, v3);
    f.scheduler.unhealthy(ref(3), 1);
    await f.settle();

    const failed = await f.release(v3);
    t.is(failed.state, "failed");
    t.regex(failed.failure ?? "", /^web\.1 \(shop-v3-web-1\) became unhealthy after it was ready within 5s of v3 becoming ready$/);
    t.is((await f.release(2)).state, "deployed");
    t.deepEqual(f.scheduler.serials(ref(2)), old, "the old instance serves again");
    t.false(f.scheduler.has(ref(3)));
  });

  test(`${backend}: a release that stays healthy through the watch is deployed, and only then do the old instances go`, async (t) => {
    const f = await deployFixture(t, backend, { watchMs: 150 });
    await deployed(f, "shop:1");
    f.scheduler.events.length = 0;

    const v3 = await deployed(f, "shop:2");

    t.is((await f.release(v3)).state, "deployed");
    t.deepEqual(f.scheduler.events, ["create shop-v3-web", "scale shop-v3-web 1", "remove shop-v2-web-1", "delete shop-v2-web"]);
    const serving = f.events.findIndex((e) => e.message === "v3 is serving; watching it for 0.15s");
    const done = f.events.findIndex((e) => e.message === "v3 deployed");
    t.true(serving !== -1 && serving < done);
  });

  test(`${backend}: workers are not held back through the watch: two would do the same work`, async (t) => {
    const f = await deployFixture(t, backend, { watchMs: 2000 });
    await f.formation({ web: 1, worker: 1 });
    await deployed(f, "shop:1", { web: "serve", worker: "work" });
    const v3 = await f.build("shop:2", { web: "serve", worker: "work" });
    await watching(f, v3);
    t.is(f.scheduler.count(ref(2, "worker")), 0, "the old worker stopped once the new one ran");
    t.is(f.scheduler.count(ref(2, "web")), 1, "the old web instance is held");
    await f.deployer.destroy(APP);
  });

  test(`${backend}: BERTH_DEPLOY_WATCH=0 in the app's config turns the watch off`, async (t) => {
    const f = await deployFixture(t, backend, { watchMs: 60_000 });
    await f.config({ values: { BERTH_DEPLOY_WATCH: "0" } });
    await f.settle();
    await deployed(f, "shop:1");
    t.is((await f.release(3)).state, "deployed");
    t.false(f.events.some((e) => e.message.includes("watching")));
  });
}
