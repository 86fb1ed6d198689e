import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import test, { type ExecutionContext } from "ava";
import Docker from "dockerode";
import { DockerScheduler } from "../../src/scheduler/docker/scheduler.ts";
import type { GroupSpec } from "../../src/scheduler/types.ts";
import { countedDocker } from "../helpers/docker-streams.ts";
import { follow, ticking as tickingCommand, ticks } from "../helpers/follow.ts";
import { eventually } from "../helpers/eventually.ts";
import { busyboxImage, socketPath, testDockerHost } from "../helpers/test-image.ts";

const host = testDockerHost();
const docker = new Docker({ socketPath: socketPath(host) });
const image = await busyboxImage(host);
const ticking = tickingCommand("exec httpd -f -p $PORT -h /www");

/** A scheduler over the test engine whose event and log streams are counted, and a fresh app on it. */
function setup(t: ExecutionContext) {
  const { client, open } = countedDocker(docker);
  const scheduler = new DockerScheduler(client, { network: { mode: "host" }, labels: { "berth.test": "1" }, stopTimeout: 1 });
  const app = `fl-${randomBytes(4).toString("hex")}`;
  t.teardown(() => scheduler.destroyApp(app));
  const spec = (overrides: Partial<GroupSpec> = {}): GroupSpec => ({
    app,
    release: 1,
    type: "web",
    image,
    command: ticking,
    env: {},
    limits: undefined,
    readiness: { mode: "running", path: undefined, initialDelay: 0, timeout: 1, period: 1, failureThreshold: 3 },
    ...overrides,
  });
  return { scheduler, open, app, spec };
}

test("following logs picks up a container that starts later, from its first line, and leaves no stream open when stopped", async (t) => {
  const { scheduler, open, app, spec } = setup(t);
  await scheduler.scaleGroup(spec(), 1);
  await eventually(async () => ((await scheduler.logs(app)).some((l) => l.line === "tick 2") ? true : undefined), "web.1 to tick");
  const followed = follow(scheduler, app, 1);
  await eventually(async () => (ticks(followed.lines, "web.1").length >= 2 ? true : undefined), "followed ticks of web.1");
  t.false(
    followed.lines.some((l) => l.line === "booting"),
    "a container running at the start is followed from its last line only",
  );

  await scheduler.scaleGroup(spec(), 2);
  await eventually(async () => (ticks(followed.lines, "web.2").length >= 3 ? true : undefined), "web.2 to tick");
  t.is(followed.lines.find((l) => l.tag === "web.2")?.line, "booting", "a container that started later is followed from its first line");
  const web2 = ticks(followed.lines, "web.2");
  t.deepEqual(
    web2,
    [...web2.keys()].map((i) => i + 1),
    "no line twice, none missing",
  );
  const web1 = ticks(followed.lines, "web.1");
  t.true(
    web1.every((n, i) => i === 0 || n === (web1[i - 1] ?? 0) + 1),
    `web.1 goes on without repeats: ${web1.join(" ")}`,
  );
  t.deepEqual({ events: open.events, logs: open.logs }, { events: 1, logs: 2 }, "one event stream and a log stream per container");

  await followed.stop();
  t.is(open.logs, 0, "every log stream is closed once the follow ended");
  await eventually(async () => (open.events === 0 ? true : undefined), "the event stream to close", 1000);
  const count = followed.lines.length;
  await sleep(500);
  t.is(followed.lines.length, count, "nothing comes after the follow ended");
});

test("following logs follows a crashing container again on each restart, each run's lines once", async (t) => {
  const { scheduler, open, app, spec } = setup(t);
  const followed = follow(scheduler, app, 10);
  await eventually(async () => (open.events === 1 ? true : undefined), "the event stream to open");
  // The engine restarts the same container, whose file system keeps the count of runs.
  const command = 'n=$(cat /tmp/runs 2>/dev/null || echo 0); n=$((n+1)); echo $n > /tmp/runs; echo "run $n"; sleep 0.3; exit 3';
  await scheduler.scaleGroup(spec({ command }), 1);
  const runs = () => followed.lines.filter((l) => l.line.startsWith("run "));
  await eventually(async () => (runs().length >= 3 ? true : undefined), "three runs of the container", 20_000);
  const [instance] = (await scheduler.listGroups(app)).flatMap((g) => g.instances);
  t.true((instance?.restarts ?? 0) >= 2, "the engine restarted the same container");
  t.true(
    runs().every((l) => l.tag === "web.1" && l.instance === instance?.name),
    runs()
      .map((l) => `${l.instance} ${l.tag}`)
      .join(", "),
  );
  const seen = runs().map((l) => l.line);
  t.deepEqual(
    seen,
    [...seen.keys()].map((i) => `run ${i + 1}`),
    "each run's line once, none missing",
  );
  await followed.stop();
  t.is(open.logs, 0);
  await eventually(async () => (open.events === 0 ? true : undefined), "the event stream to close", 1000);
});
