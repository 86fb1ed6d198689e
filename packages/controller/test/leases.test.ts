import { setTimeout as sleep } from "node:timers/promises";
import { silentLogger } from "../src/logger.ts";
import { LeaseLost, Leases } from "../src/leases/leases.ts";
import { acquireLease, askToYield, liveLeases, releaseLease, renewLease } from "../src/store/leases.ts";
import { eachBackend } from "./helpers/backend-test.ts";
import { eventually } from "./helpers/eventually.ts";
import { openTestStore } from "./helpers/test-store.ts";

eachBackend("a lease has one holder until it is released or runs out, by the database's clock", async (t, backend) => {
  const store = await openTestStore(backend);
  t.teardown(() => store.close());
  const { db } = store;
  t.true(await acquireLease(db, backend, "app:shop", "a", 60_000));
  t.false(await acquireLease(db, backend, "app:shop", "b", 60_000), "b cannot take a's live lease");
  t.true(await acquireLease(db, backend, "app:shop", "a", 60_000), "a renews it by taking it again");
  t.true(await acquireLease(db, backend, "app:cart", "b", 60_000), "leases are independent");
  t.deepEqual([...(await liveLeases(db, backend, "app:"))].sort(), [
    ["app:cart", "b"],
    ["app:shop", "a"],
  ]);
  await releaseLease(db, "app:shop", "b");
  t.false(await acquireLease(db, backend, "app:shop", "b", 60_000), "only the holder releases it");
  await releaseLease(db, "app:shop", "a");
  t.true(await acquireLease(db, backend, "app:shop", "b", 50), "released: b takes it");
  await sleep(200);
  t.deepEqual((await renewLease(db, backend, "app:shop", "b", 50)).held, true, "an expired lease nobody took is renewed");
  await sleep(200);
  t.true(await acquireLease(db, backend, "app:shop", "c", 60_000), "run out: c takes it");
  t.deepEqual(await renewLease(db, backend, "app:shop", "b", 60_000), { held: false }, "and b learns it lost it");
  t.deepEqual([...(await liveLeases(db, backend, "app:shop"))], [["app:shop", "c"]]);
});

eachBackend("of controllers racing for a free lease exactly one wins", async (t, backend) => {
  const store = await openTestStore(backend);
  t.teardown(() => store.close());
  const won = await Promise.all(Array.from({ length: 12 }, (_, i) => acquireLease(store.db, backend, "controller", `c${i}`, 5000)));
  t.is(won.filter(Boolean).length, 1, JSON.stringify(won));
});

eachBackend("asking for a lease reaches its holder at its next renewal; a free or own lease has nobody to ask", async (t, backend) => {
  const store = await openTestStore(backend);
  t.teardown(() => store.close());
  const { db } = store;
  t.false(await askToYield(db, backend, "app:shop", "b"), "free");
  await acquireLease(db, backend, "app:shop", "a", 5000);
  t.false(await askToYield(db, backend, "app:shop", "a"), "a's own");
  t.true(await askToYield(db, backend, "app:shop", "b"));
  t.deepEqual(await renewLease(db, backend, "app:shop", "a", 5000), { held: true, yieldTo: "b" });
  t.true(await acquireLease(db, backend, "app:shop", "a", 5000));
  t.deepEqual(await renewLease(db, backend, "app:shop", "a", 5000), { held: true, yieldTo: null }, "taking it again clears the request");
});

const timing = { ttlMs: 2000, renewMs: 50, retryMs: 25 };

/** Work that runs until its signal aborts, and says why it stopped. */
function untilStopped(log: string[], who: string) {
  return (signal: AbortSignal) =>
    new Promise<string>((resolve) => {
      log.push(`${who} starts`);
      signal.addEventListener("abort", () => {
        log.push(`${who} stops`);
        resolve(String(signal.reason));
      });
    });
}

eachBackend("take-over: the holder's work is stopped and its lease released before the asker's work starts", async (t, backend) => {
  const store = await openTestStore(backend);
  t.teardown(() => store.close());
  const a = new Leases(store, silentLogger, { ...timing, holder: "a" });
  const b = new Leases(store, silentLogger, { ...timing, holder: "b" });
  const log: string[] = [];
  const first = a.hold("app:shop", untilStopped(log, "a"), { wait: "take-over" });
  await eventually(async () => (log.length > 0 ? true : undefined), "a to start");
  t.is(await b.hold("app:shop", async () => "never", { wait: "skip" }), undefined, "skip leaves a held lease alone");
  const second = b.hold(
    "app:shop",
    async () => {
      log.push("b starts");
      return "b done";
    },
    { wait: "take-over" },
  );
  t.is(await first, "LeaseLost: the lease app:shop was asked for by b");
  t.is(await second, "b done");
  t.deepEqual(log, ["a starts", "a stops", "b starts"]);
  t.deepEqual([...(await liveLeases(store.db, backend, ""))], [], "both released");
});

eachBackend("work whose lease another controller took (it had run out) is stopped at the next renewal", async (t, backend) => {
  const store = await openTestStore(backend);
  t.teardown(() => store.close());
  const a = new Leases(store, silentLogger, { ...timing, holder: "a" });
  const log: string[] = [];
  const work = a.hold("app:shop", untilStopped(log, "a"), { wait: "skip" });
  await eventually(async () => (log.length > 0 ? true : undefined), "a to start");
  // As if a had stalled past its lease: it ran out and c took it.
  await store.db.updateTable("leases").set({ holder: "c" }).where("name", "=", "app:shop").execute();
  t.is(await work, "LeaseLost: the lease app:shop was taken by another controller");
  t.deepEqual([...(await liveLeases(store.db, backend, ""))], [["app:shop", "c"]], "a released nothing of c's");
});

eachBackend("one leader at a time: when it closes, or dies and its lease runs out, another leads", async (t, backend) => {
  const store = await openTestStore(backend);
  t.teardown(() => store.close());
  const log: string[] = [];
  const controllers = ["a", "b", "c"].map((holder) => new Leases(store, silentLogger, { ...timing, holder }));
  const leading = controllers.map((c) => c.lead("controller", async (signal) => void untilStopped(log, c.holder)(signal)));
  const leaderAfter = async (n: number) =>
    eventually(async () => (log.length >= n ? log[n - 1]?.split(" ")[0] : undefined), `${n} log lines`);
  const first = await leaderAfter(1);
  await sleep(300);
  t.is(log.length, 1, `one leader: ${log.join(", ")}`);
  const index = controllers.findIndex((c) => c.holder === first);
  controllers[index]?.close();
  await leading[index];
  t.is(log[1], `${first} stops`);
  const second = await leaderAfter(3);
  t.not(second, first);
  // The second leader dies: its renewals stop (as a killed process's would) and nobody releases its lease.
  const before = await store.db.selectFrom("leases").selectAll().where("name", "=", "controller").executeTakeFirstOrThrow();
  t.is(before.holder, second);
  await store.db.updateTable("leases").set({ holder: "dead" }).where("name", "=", "controller").execute();
  const third = await eventually(async () => (log.length >= 5 ? log[4]?.split(" ")[0] : undefined), "a leader after the dead one", 5000);
  t.is(log[3], `${second} stops`, "the one whose lease was taken stopped leading");
  t.not(third, first, "the closed one does not come back");
  for (const c of controllers) c.close();
  await Promise.all(leading);
  t.true(log.at(-1)?.endsWith("stops"));
});

eachBackend("closing stops a wait for a lease", async (t, backend) => {
  const store = await openTestStore(backend);
  t.teardown(() => store.close());
  await acquireLease(store.db, backend, "app:shop", "other", 60_000);
  const a = new Leases(store, silentLogger, timing);
  const waiting = a.hold("app:shop", async () => "ran", { wait: "wait" });
  await sleep(100);
  a.close();
  const error = await t.throwsAsync(waiting);
  t.true(error instanceof LeaseLost || (error as Error).name === "AbortError", String(error));
});
