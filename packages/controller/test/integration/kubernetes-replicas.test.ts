import test from "ava";
import type { RolloutDeployer } from "../../src/rollout/rollout-deployer.ts";
import type { Scheduler } from "../../src/scheduler/types.ts";
import { releaseConfig } from "../../src/services/releases.ts";
import { deployed } from "../helpers/deploy-fixture.ts";
import { clusterTestImage, eventually, testCluster } from "../helpers/cluster.ts";
import { rcNames, serve, served, setup } from "../helpers/kube-app.ts";

const image = await clusterTestImage();

/** Two controllers (chart replicas) on one PostgreSQL database, each with its own client of the real cluster. */
const replicas = { backend: "postgres" as const, deployer: { leases: { ttlMs: 3000, renewMs: 200, retryMs: 100 }, resumeMs: 500 } };

/** What changes an app's pods. */
const changing = new Set(["createGroup", "scaleGroup", "removeInstances", "deleteGroup", "destroyApp"]);
/** Scheduler methods that return nothing: they call back, until their signal aborts. */
const watches = new Set(["watchChanges", "watchInstances"]);

/**
 * The scheduler as one controller uses it, with each call that changes pods written to `log` under
 * its name; `freeze()` makes every later call hang, as in a controller that stopped dead, until
 * `bury()` fails them (so that the dead controller's close can end).
 */
function recorded(scheduler: Scheduler, name: string, log: string[]) {
  let frozen = false;
  const hung: (() => void)[] = [];
  const proxy = new Proxy(scheduler, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        // A dead controller's watches hear nothing (they answer nothing either: a rejection nobody
        // awaits would be an unhandled one); its calls hang until buried.
        if (frozen && watches.has(String(key))) return undefined;
        if (frozen) return new Promise((_, reject) => hung.push(() => reject(new Error(`${name} is dead`))));
        if (changing.has(String(key))) log.push(`${name}.${String(key)}`);
        return value.apply(target, args);
      };
    },
  });
  return {
    scheduler: proxy,
    freeze: () => (frozen = true),
    bury: () => {
      for (const fail of hung.splice(0)) fail();
    },
  };
}

test("a release accepted by a second controller takes the app over from the first's rollout: one changes the pods at a time", async (t) => {
  const f = await setup(t, { web: 3 }, {}, replicas);
  await deployed(f, image, { web: serve });
  const log: string[] = [];
  const a = f.newDeployer(recorded(f.scheduler, "a", log).scheduler);
  const b = f.newDeployer(recorded((await testCluster()).scheduler, "b", log).scheduler);
  await releaseConfig({ ...f.deps, deployer: a }, f.app, f.actor, { values: { GREETING: "from-a" } });
  await eventually(async () => (log.filter((l) => l === "a.scaleGroup").length >= 1 ? true : undefined), "a to scale v3 up", 30_000);
  await releaseConfig({ ...f.deps, deployer: b }, f.app, f.actor, { values: { GREETING: "from-b" } });
  await b.idle(f.app);
  await a.idle(f.app);
  t.is((await f.release(3)).state, "superseded");
  t.is((await f.release(4)).state, "deployed", (await f.release(4)).failure ?? "");
  const firstOfB = log.findIndex((l) => l.startsWith("b."));
  t.true(firstOfB > 0, log.join(" "));
  t.deepEqual(
    log.slice(firstOfB).filter((l) => l.startsWith("a.")),
    [],
    `a changed nothing once b had started: ${log.join(" ")}`,
  );
  t.deepEqual(await rcNames(f), [`${f.app}-v4-web`]);
  t.deepEqual(await served(f, 3), Array(3).fill(`release=v4 app=${f.app} greeting=from-b`));
  const events = await f.store.db.selectFrom("app_events").select("message").where("app_id", "=", f.app).execute();
  t.true(
    events.some((e) => e.message === "v4 takes over the rollout of v3"),
    events.map((e) => e.message).join("\n"),
  );
});

/** The controller of the two that leads, once one does. */
async function leader(f: Awaited<ReturnType<typeof setup>>, controllers: Record<string, RolloutDeployer>, holders: Record<string, string>) {
  const holder = await eventually(
    async () => (await f.store.db.selectFrom("leases").select("holder").where("name", "=", "controller").executeTakeFirst())?.holder,
    "a leader",
  );
  const name = Object.keys(holders).find((n) => holders[n] === holder);
  if (name === undefined || controllers[name] === undefined) throw new Error(`the leader ${holder} is neither controller`);
  return name;
}

test("when the controller running a rollout dies, the leader carries it on once its lease has run out", async (t) => {
  const f = await setup(t, { web: 2 }, {}, replicas);
  await deployed(f, image, { web: serve });
  const log: string[] = [];
  const doomed = recorded(f.scheduler, "a", log);
  const a = f.newDeployer(doomed.scheduler);
  // Registered after a's close: teardowns run last first.
  t.teardown(doomed.bury);
  const b = f.newDeployer(recorded((await testCluster()).scheduler, "b", log).scheduler);
  b.lead();
  await eventually(async () => ((await f.store.db.selectFrom("leases").selectAll().execute()).length > 0 ? true : undefined), "b to lead");
  await releaseConfig({ ...f.deps, deployer: a }, f.app, f.actor, { values: { GREETING: "carried-on" } });
  await eventually(async () => (log.includes("a.scaleGroup") ? true : undefined), "a to scale v3 up", 30_000);
  // a stops dead: no more calls to the cluster, no renewal; its lease of the app is left to run out.
  doomed.freeze();
  const lease = await f.store.db.selectFrom("leases").selectAll().where("name", "=", `app:${f.app}`).executeTakeFirstOrThrow();
  await f.store.db.updateTable("leases").set({ holder: "a controller that died" }).where("name", "=", lease.name).execute();
  const died = Date.now();
  await eventually(async () => ((await f.release(3)).state !== "pending" ? true : undefined), "v3's rollout to end", 60_000);
  t.log(`carried on and deployed ${Math.round((Date.now() - died) / 1000)} s after the controller died`);
  t.is((await f.release(3)).state, "deployed", (await f.release(3)).failure ?? "");
  t.true(
    log.slice(log.lastIndexOf("a.scaleGroup")).some((l) => l.startsWith("b.")),
    log.join(" "),
  );
  t.deepEqual(await rcNames(f), [`${f.app}-v3-web`]);
  t.deepEqual(await served(f, 2), Array(2).fill(`release=v3 app=${f.app} greeting=carried-on`));
});

test("only the leader watches for crashes: each is reported once, and by the next leader once the first has closed", async (t) => {
  const f = await setup(t, { worker: 1 }, {}, replicas);
  const controllers = { a: f.newDeployer(), b: f.newDeployer((await testCluster()).scheduler) };
  const holders = { a: controllers.a.holder, b: controllers.b.holder };
  for (const c of Object.values(controllers)) c.lead({ intervalMs: 600_000 });
  const first = await leader(f, controllers, holders);
  await deployed(f, image, { worker: "sleep 3; exit 3" });
  const crashes = () => f.events.filter((e) => e.kind === "crash").map((e) => e.message);
  await eventually(async () => (crashes().length >= 1 ? true : undefined), "a crash event", 20_000);
  await controllers[first as "a" | "b"].close();
  const next = await eventually(async () => {
    const now = await leader(f, controllers, holders).catch(() => undefined);
    return now !== first ? now : undefined;
  }, "the other controller to lead");
  t.not(next, first);
  // The kubelet restarts it after a back-off of 10 s, and it exits 3 s later.
  await eventually(async () => (crashes().length >= 2 ? true : undefined), "a crash the new leader reports", 40_000);
  const seen = crashes();
  t.deepEqual(seen, [...new Set(seen)], `no crash reported twice: ${seen.join("; ")}`);
  t.regex(seen.at(-1) ?? "", /restarted [2-9] time/);
});
