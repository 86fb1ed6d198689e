import type { RouterStatus } from "@berth/api";
import test from "ava";
import { RouterBoard } from "../src/route-table/router-board.ts";
import { APP, type DeployFixture, deployed, deployFixture } from "./helpers/deploy-fixture.ts";
import { testBackends } from "./helpers/test-store.ts";

/**
 * A router as the deployer sees one: it installs each route table a little after the change, then
 * reports what it routes. Requests it "has in flight" at an instance that leaves finish `holdMs`
 * after the instance left its table.
 */
function router(f: DeployFixture, board: RouterBoard, name: string, holdMs: number) {
  const busy = new Map<string, number>();
  let version = 0;
  const report = (status: Partial<RouterStatus> = {}) =>
    f.deployer.upstreams(APP).then(({ ready }) => {
      board.record({ router: name, version, routing: ready, busy: Object.fromEntries([...busy].filter(([, n]) => n > 0)), ...status });
    });
  const nameOf = async (address: string) =>
    (await f.scheduler.listGroups(APP)).flatMap((g) => g.instances).find((i) => i.address === address)?.name ?? address;
  const install = async (next: number) => {
    version = Math.max(version, next);
    const { draining } = await f.deployer.upstreams(APP);
    for (const address of draining) {
      if (busy.has(address)) continue;
      busy.set(address, 1);
      const instance = await nameOf(address);
      setTimeout(() => {
        busy.set(address, 0);
        f.scheduler.events.push(`${name} done with ${instance}`);
        void report();
      }, holdMs).unref();
    }
    await report();
  };
  return { install, report };
}

for (const backend of testBackends) {
  test(`${backend}: stops an old web instance only once the router stopped sending it requests and finished those in flight`, async (t) => {
    const board = new RouterBoard();
    const f = await deployFixture(t, backend, { routers: board, drainGraceMs: 10_000 });
    await f.formation({ web: 2 });
    await deployed(f, "shop:1");
    const r1 = router(f, board, "r1", 30);
    f.hooks.onRoutesChanged = (_app, version) => void setTimeout(() => void r1.install(version), 5);
    await r1.report();
    f.scheduler.events.length = 0;

    await deployed(f, "shop:2");

    t.is((await f.release(3)).state, "deployed");
    const order = f.scheduler.events.filter((e) => e.includes("-v2-web-"));
    t.deepEqual(order, ["r1 done with shop-v2-web-2", "remove shop-v2-web-2", "r1 done with shop-v2-web-1", "remove shop-v2-web-1"]);
  });

  test(`${backend}: a router still on an older table holds the stop with a warning until it catches up`, async (t) => {
    const board = new RouterBoard();
    const f = await deployFixture(t, backend, { routers: board, drainGraceMs: 100 });
    await deployed(f, "shop:1");
    const stuck = router(f, board, "stuck", 0);
    let caughtUp = false;
    // It keeps reporting, so it is live, but it applies no table: until told to.
    const heartbeat = setInterval(() => void (caughtUp ? stuck.install(f.hooks.version) : stuck.report({ version: 0 })), 10);
    t.teardown(() => clearInterval(heartbeat));
    await stuck.report({ version: 0 });
    const removed: string[] = [];
    const remove = f.scheduler.removeInstances.bind(f.scheduler);
    f.scheduler.removeInstances = async (ref, names) => {
      removed.push(`${names.join()} caught up: ${caughtUp}`);
      return remove(ref, names);
    };
    const warned = new Promise<void>((resolve) => {
      const look = setInterval(() => {
        if (!f.events.some((e) => e.message.includes("not stopped yet"))) return;
        clearInterval(look);
        resolve();
      }, 5);
    });

    await f.build("shop:2");
    await warned;
    t.deepEqual(removed, [], "nothing stopped while the router routes to it");
    const warning = f.events.find((e) => e.message.includes("not stopped yet"));
    t.regex(warning?.message ?? "", /shop-v2-web-1 not stopped yet: router stuck serves route table 0, older than \d+/);
    caughtUp = true;
    await f.settle();

    t.is((await f.release(3)).state, "deployed");
    t.deepEqual(removed, ["shop-v2-web-1 caught up: true"]);
    t.false(
      f.events.some((e) => e.message.includes("without the confirmation")),
      "a router that confirmed is not said to be gone",
    );
  });

  test(`${backend}: a router that stops reporting no longer holds the stop, and the stop says so`, async (t) => {
    // The board's clock is the test's: the router's last report grows too old exactly while it holds
    // the stop, however loaded the machine is.
    let now = 0;
    const board = new RouterBoard({ liveMs: 15_000, now: () => now });
    let held = false;
    const holdups = board.holdups.bind(board);
    board.holdups = (addresses, version) => {
      const found = holdups(addresses, version);
      if (found.some((h) => h.router === "gone")) {
        held = true;
        now += 20_000;
      }
      return found;
    };
    const f = await deployFixture(t, backend, { routers: board, drainGraceMs: 10_000 });
    await deployed(f, "shop:1");
    board.record({ router: "gone", version: 0, routing: (await f.deployer.upstreams(APP)).ready, busy: {} });

    await deployed(f, "shop:2");

    t.is((await f.release(3)).state, "deployed");
    t.true(held, "the router held the stop while it was live");
    t.deepEqual(board.live(), []);
    const warning = f.events.find((e) => e.message.includes("without the confirmation"));
    t.regex(
      warning?.message ?? f.events.map((e) => e.message).join("\n"),
      /^stopping shop-v2-web-1 without the confirmation of router gone \(last said it serves route table 0, older than \d+\): it has not reported for 15s and is taken for gone/,
    );
  });

  test(`${backend}: requests still in flight after the grace period do not hold the stop, and the stop says so`, async (t) => {
    const board = new RouterBoard();
    const f = await deployFixture(t, backend, { routers: board, drainGraceMs: 50 });
    await deployed(f, "shop:1");
    const slow = router(f, board, "slow", 60_000);
    f.hooks.onRoutesChanged = (_app, version) => void setTimeout(() => void slow.install(version), 5);
    await slow.report();

    await deployed(f, "shop:2");

    t.is((await f.release(3)).state, "deployed");
    const warning = f.events.find((e) => e.message.startsWith("stopping"));
    t.regex(
      warning?.message ?? "",
      /^stopping shop-v2-web-1 after a 0\.05s grace period: router slow has requests in flight at 127\.0\.0\.1:\d+ \(1\)$/,
    );
  });

  test(`${backend}: with no router reporting, old instances are stopped at once`, async (t) => {
    const f = await deployFixture(t, backend, { routers: new RouterBoard(), drainGraceMs: 10_000 });
    await deployed(f, "shop:1");
    const started = Date.now();
    await deployed(f, "shop:2");
    t.is((await f.release(3)).state, "deployed");
    t.true(Date.now() - started < 5000);
  });
}
