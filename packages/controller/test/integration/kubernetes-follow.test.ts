import test from "ava";
import { KubernetesScheduler } from "../../src/scheduler/kubernetes/scheduler.ts";
import type { GroupSpec } from "../../src/scheduler/types.ts";
import { deployed } from "../helpers/deploy-fixture.ts";
import { follow, ticking as tickingCommand, ticks } from "../helpers/follow.ts";
import { serve, setup, type Setup } from "../helpers/kube-app.ts";
import { clusterTestImage } from "../helpers/cluster.ts";
import { eventually } from "../helpers/eventually.ts";
import { countedStreams } from "../helpers/kube-streams.ts";

const image = await clusterTestImage();

/** A scheduler over the fixture's cluster whose watches and log streams are counted. */
function countedScheduler(f: Setup) {
  const streams = countedStreams(f.kc);
  const scheduler = new KubernetesScheduler(f.berth, { namespaces: streams.namespaces, podLogs: streams.podLogs });
  return { scheduler, open: streams.open };
}

const ticking = tickingCommand(serve);

test("following logs picks up a pod that starts later, from its first line, and leaves no stream open when stopped", async (t) => {
  const f = await setup(t);
  await deployed(f, image, { web: ticking });
  const { scheduler, open } = countedScheduler(f);
  const followed = follow(scheduler, f.app, 1);
  await eventually(async () => (ticks(followed.lines, "web.1").length >= 2 ? true : undefined), "web.1 to tick");
  t.false(
    followed.lines.some((l) => l.tag === "web.1" && l.line === "booting"),
    "a pod running at the start is followed from its last line only",
  );

  await f.formation({ web: 2 });
  await f.deployer.scale(f.app, { web: 2 });
  await eventually(async () => (ticks(followed.lines, "web.2").length >= 3 ? true : undefined), "web.2 to tick", 20_000);
  const web2 = followed.lines.filter((l) => l.tag === "web.2");
  t.is(web2[0]?.line, "booting", "a pod that started later is followed from its first line");
  t.deepEqual(
    ticks(followed.lines, "web.2"),
    [...ticks(followed.lines, "web.2").keys()].map((i) => i + 1),
    "no line twice, none missing",
  );
  const web1 = ticks(followed.lines, "web.1");
  t.true(
    web1.every((n, i) => i === 0 || n === (web1[i - 1] ?? 0) + 1),
    `web.1 goes on without repeats: ${web1.join(" ")}`,
  );
  t.true(open.watches > 0 && open.logs === 2, `a watch and two log streams while following (${JSON.stringify(open)})`);

  await followed.stop();
  await eventually(async () => (open.watches === 0 && open.logs === 0 ? true : undefined), "every stream to close", 5000);
  const count = followed.lines.length;
  await new Promise((resolve) => setTimeout(resolve, 500));
  t.is(followed.lines.length, count, "nothing comes after the follow ended");
});

test("following logs follows a crashing container again each time it is restarted in its pod", async (t) => {
  const f = await setup(t);
  const { scheduler, open } = countedScheduler(f);
  const followed = follow(scheduler, f.app, 10);
  const spec: GroupSpec = {
    app: f.app,
    release: 1,
    type: "worker",
    image,
    // Each run is a new container, a second or more after the one before.
    command: 'echo "run at $(date +%s)"; sleep 1; exit 3',
    env: {},
    limits: undefined,
    readiness: { mode: "running", path: undefined, initialDelay: 0, timeout: 1, period: 1, failureThreshold: 3 },
  };
  await f.scheduler.scaleGroup(spec, 1);
  await eventually(
    async () => (followed.lines.filter((l) => l.line.startsWith("run at ")).length >= 3 ? true : undefined),
    "three runs of the container",
    20_000,
  );
  const runs = followed.lines.filter((l) => l.line.startsWith("run at "));
  t.true(
    runs.every((l) => l.tag === "worker.1"),
    runs.map((l) => l.tag).join(", "),
  );
  t.is(new Set(runs.map((l) => l.line)).size, runs.length, `each run's line once: ${runs.map((l) => l.line).join(", ")}`);
  const [pod] = (await f.scheduler.listGroups(f.app)).flatMap((g) => g.instances);
  t.true(new Set(runs.map((l) => l.instance)).size === 1 && runs[0]?.instance === pod?.name, "all in the one pod");
  await followed.stop();
  await eventually(async () => (open.watches === 0 && open.logs === 0 ? true : undefined), "every stream to close", 5000);
});
