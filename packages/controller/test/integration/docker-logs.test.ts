import { randomBytes } from "node:crypto";
import type { ControllerClient } from "@berth/api";
import type { ExecutionContext } from "ava";
import Docker from "dockerode";
import { RolloutDeployer } from "../../src/rollout/rollout-deployer.ts";
import { DockerScheduler } from "../../src/scheduler/docker/scheduler.ts";
import { insertEvent } from "../../src/store/app-events.ts";
import { eachBackend } from "../helpers/backend-test.ts";
import type { BackendName } from "../helpers/backends.ts";
import { startController } from "../helpers/controller.ts";
import { countedDocker } from "../helpers/docker-streams.ts";
import { ticking, ticks } from "../helpers/follow.ts";
import { eventually } from "../helpers/eventually.ts";
import { silentLogger } from "../../src/logger.ts";
import { busyboxImage, socketPath, testDockerHost } from "../helpers/test-image.ts";

const host = testDockerHost();
const docker = new Docker({ socketPath: socketPath(host) });
const image = await busyboxImage(host);

async function deployedState(client: ControllerClient, app: string, version: number): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const release = await client.releases.get(app, version);
    if (release.state !== "pending") return release.state;
    await new Promise((r) => setTimeout(r, 100));
  }
  return "pending";
}

/** A controller deploying with `scheduler`, its user alice, and her new `app`. */
async function aliceWithApp(t: ExecutionContext, backend: BackendName, scheduler: DockerScheduler, app: string): Promise<ControllerClient> {
  const h = await startController(t, backend, {
    deployer: (store) =>
      new RolloutDeployer(
        { store, logger: silentLogger, scheduler, events: (event) => void insertEvent(store.db, event) },
        { pollMs: 100, timeoutMs: 20_000 },
      ),
  });
  const alice = await h.user("alice");
  await alice.apps.create(app);
  return alice;
}

eachBackend("logs show what real instances print, tagged by process, beside deploy events, and follow new output", async (t, backend) => {
  const scheduler = new DockerScheduler(docker, { network: { mode: "host" }, labels: { "berth.test": "1" }, stopTimeout: 1 });
  const app = `lg-${randomBytes(4).toString("hex")}`;
  t.teardown(() => scheduler.destroyApp(app));
  const alice = await aliceWithApp(t, backend, scheduler, app);
  const web = 'echo "hello from $BERTH_RELEASE"; exec httpd -f -p $PORT -h /www';
  await alice.builds.create(app, { image, procfile: { web } });
  t.is(await deployedState(alice, app, 2), "deployed");

  const lines = (await alice.logs.get(app)).map((e) => `${e.source}[${e.tag}]: ${e.line}`);
  t.true(lines.includes("app[web.1]: hello from v2"), lines.join("\n"));
  t.true(lines.includes("berth[deploy]: v2 deployed"), lines.join("\n"));
  t.true(
    lines.indexOf(`berth[release]: v2 created: alice deployed ${image}`) < lines.indexOf("app[web.1]: hello from v2"),
    "in time order",
  );

  const abort = new AbortController();
  t.teardown(() => abort.abort());
  const followed: string[] = [];
  const following = (async () => {
    for await (const e of alice.logs.follow(app, { lines: 0 }, abort.signal)) {
      followed.push(`${e.source}[${e.tag}]: ${e.line}`);
      // Instance lines stream as written; platform events come from the store within a second.
      if (followed.includes("app[web.1]: hello from v3") && followed.some((l) => l.startsWith("berth[release]: v3 created"))) abort.abort();
    }
  })();
  await alice.config.set(app, { values: { GREETING: "hi" } });
  await Promise.race([following, new Promise((r) => setTimeout(r, 30_000))]);
  t.true(followed.includes("app[web.1]: hello from v3"), followed.join("\n"));
  t.true(
    followed.some((l) => l.startsWith("berth[release]: v3 created")),
    followed.join("\n"),
  );
});

eachBackend(
  "following logs streams an instance started after the follow began, each line once, and stops when the client leaves",
  async (t, backend) => {
    const { client, open } = countedDocker(docker);
    const scheduler = new DockerScheduler(client, { network: { mode: "host" }, labels: { "berth.test": "1" }, stopTimeout: 1 });
    const app = `lf-${randomBytes(4).toString("hex")}`;
    t.teardown(() => scheduler.destroyApp(app));
    const alice = await aliceWithApp(t, backend, scheduler, app);
    const web = ticking("exec httpd -f -p $PORT -h /www");
    await alice.builds.create(app, { image, procfile: { web } });
    t.is(await deployedState(alice, app, 2), "deployed");
    await eventually(async () => ((await alice.logs.get(app)).some((e) => e.line === "tick 3") ? true : undefined), "web.1 to tick");

    const abort = new AbortController();
    t.teardown(() => abort.abort());
    const followed: { tag: string; line: string }[] = [];
    const following = (async () => {
      for await (const e of alice.logs.follow(app, { lines: 5 }, abort.signal)) followed.push({ tag: e.tag, line: e.line });
    })();
    await eventually(async () => (ticks(followed, "web.1").length >= 8 ? true : undefined), "web.1's lines to stream");
    await alice.scale.set(app, { web: 2 });
    await eventually(async () => (ticks(followed, "web.2").length >= 5 ? true : undefined), "web.2's lines to stream", 20_000);

    await eventually(
      async () => (followed.some((e) => e.tag === "scale" && e.line === "alice scaled web=2") ? true : undefined),
      "the scale event",
    );
    t.is(followed.find((e) => e.tag === "web.2")?.line, "booting", "the new instance from its first line");
    for (const tag of ["web.1", "web.2"]) {
      const seen = ticks(followed, tag);
      const first = seen[0] ?? 0;
      t.deepEqual(
        seen,
        [...seen.keys()].map((i) => first + i),
        `${tag}: each line once, none missing, the recent ones first`,
      );
    }
    t.deepEqual({ events: open.events, logs: open.logs }, { events: 1, logs: 2 }, "one event stream and a log stream per container");

    abort.abort();
    await following;
    await eventually(async () => (open.events === 0 && open.logs === 0 ? true : undefined), "the controller to close every stream", 3000);
  },
);
