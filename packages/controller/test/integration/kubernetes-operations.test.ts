import test from "ava";
import { rollback } from "../../src/services/releases.ts";
import { deployed } from "../helpers/deploy-fixture.ts";
import { endpoints, rcNames, serve, served, setup } from "../helpers/kube-app.ts";
import { clusterTestImage } from "../helpers/cluster.ts";
import { eventually } from "../helpers/eventually.ts";

const image = await clusterTestImage();

test("rolls back to an earlier release as a new RC with that release's build and config", async (t) => {
  const f = await setup(t);
  await deployed(f, image, { web: serve });
  await f.config({ values: { GREETING: "hello" } });
  await f.settle();
  const v4 = await rollback(f.deps, f.app, f.actor, 2);
  await f.settle();
  t.is((await f.release(v4)).state, "deployed", (await f.release(v4)).failure ?? "");
  t.deepEqual(await rcNames(f), [`${f.app}-v4-web`]);
  t.deepEqual(await served(f, 1), [`release=v4 app=${f.app} greeting=`]);
});

test("scales the live release's RC up and down", async (t) => {
  const f = await setup(t);
  await deployed(f, image, { web: serve });
  await f.formation({ web: 3 });
  await f.deployer.scale(f.app, { web: 3 });
  const rc = () => f.core.readNamespacedReplicationController({ name: `${f.app}-v2-web`, namespace: f.app });
  t.is((await rc()).spec?.replicas, 3);
  t.deepEqual(await served(f, 3), Array(3).fill(`release=v2 app=${f.app} greeting=`));
  await f.formation({ web: 1 });
  await f.deployer.scale(f.app, { web: 1 });
  t.is((await rc()).spec?.replicas, 1);
  t.is((await endpoints(f, 1)).length, 1);
});

test("restart replaces every pod batch by batch and keeps the replica count", async (t) => {
  const f = await setup(t, { web: 2 });
  await deployed(f, image, { web: serve });
  const before = (await f.deployer.pods(f.app)).map((p) => p.name);
  await f.deployer.restart(f.app);
  const after = await f.deployer.pods(f.app);
  t.is(after.length, 2);
  t.false(
    after.some((p) => before.includes(p.name)),
    `every pod is new: ${before.join(", ")} → ${after.map((p) => p.name).join(", ")}`,
  );
  t.true(after.every((p) => p.ready && p.release === "v2"));
  t.is((await f.core.readNamespacedReplicationController({ name: `${f.app}-v2-web`, namespace: f.app })).spec?.replicas, 2);
  t.is((await endpoints(f, 2)).length, 2);
});

test("reads the pods' logs, tagged by process type and number", async (t) => {
  const f = await setup(t);
  await deployed(f, image, { web: `echo "booting $BERTH_RELEASE"; ${serve}` });
  const lines = await eventually(async () => {
    const found = await f.scheduler.logs(f.app);
    return found.length > 0 ? found : undefined;
  }, "a log line");
  const [pod] = await f.deployer.pods(f.app);
  t.like(lines[0], { instance: pod?.name, tag: "web.1", line: "booting v2" });
  t.regex(lines[0]?.time ?? "", /^\d{4}-\d\d-\d\dT/);
});

test("reads only the lines since a time, through the log API's sinceSeconds", async (t) => {
  const f = await setup(t);
  await deployed(f, image, { web: `echo "at boot"; (sleep 6; echo "later") & ${serve}` });
  await eventually(async () => ((await f.scheduler.logs(f.app)).some((l) => l.line === "later") ? true : undefined), "the later line", 20_000);
  const since = new Date(Date.now() - 1000).toISOString();
  const recent = await f.scheduler.logs(f.app, { since });
  t.false(recent.some((l) => l.line === "at boot"), recent.map((l) => l.line).join(", "));
  const all = await f.scheduler.logs(f.app);
  t.true(all.some((l) => l.line === "at boot"));
});

test("a restarted controller resumes a rollout it left half done", async (t) => {
  const f = await setup(t, { web: 3 });
  await deployed(f, image, { web: serve });
  await f.config({ values: { GREETING: "resumed" } });
  await eventually(async () => {
    const rc = await f.core.readNamespacedReplicationController({ name: `${f.app}-v3-web`, namespace: f.app }).catch(() => undefined);
    return (rc?.spec?.replicas ?? 0) >= 1 ? rc : undefined;
  }, "v3's RC to be scaled up");
  await f.deployer.close();
  t.is((await f.release(3)).state, "pending", "the first controller stopped mid-rollout");

  const next = f.newDeployer();
  await next.reconcile();
  await next.idle(f.app);
  t.is((await f.release(3)).state, "deployed", (await f.release(3)).failure ?? "");
  t.deepEqual(await rcNames(f), [`${f.app}-v3-web`]);
  t.deepEqual(await served(f, 3), Array(3).fill(`release=v3 app=${f.app} greeting=resumed`));
});

test("follows the pods' logs as lines are written, until stopped", async (t) => {
  const f = await setup(t);
  await deployed(f, image, { web: `(n=0; while true; do n=$((n+1)); echo "tick $n"; sleep 0.2; done) & ${serve}` });
  const lines: string[] = [];
  const stop = new AbortController();
  const following = f.scheduler.followLogs(f.app, (l) => lines.push(`${l.tag} ${l.line}`), stop.signal, { tail: 1 });
  await eventually(async () => (lines.length >= 4 ? true : undefined), "four followed lines");
  stop.abort();
  await following;
  const ticks = lines.map((l) => Number(/^web\.1 tick (\d+)$/.exec(l)?.[1]));
  t.true(
    ticks.every((n, i) => Number.isInteger(n) && (i === 0 || n === (ticks[i - 1] ?? 0) + 1)),
    `consecutive ticks of web.1: ${lines.join(", ")}`,
  );
});
