import { randomBytes } from "node:crypto";
import type { ControllerClient } from "@berth/api";
import Docker from "dockerode";
import { RolloutDeployer } from "../../src/rollout/deployer.ts";
import { DockerScheduler } from "../../src/scheduler/docker/scheduler.ts";
import { insertEvent } from "../../src/store/events.ts";
import { eachBackend } from "../helpers/backend-test.ts";
import { startController } from "../helpers/controller.ts";
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

eachBackend("logs show what real instances print, tagged by process, beside deploy events, and follow new output", async (t, backend) => {
  const scheduler = new DockerScheduler(docker, { network: { mode: "host" }, labels: { "berth.test": "1" }, stopTimeout: 1 });
  const app = `lg-${randomBytes(4).toString("hex")}`;
  t.teardown(() => scheduler.destroyApp(app));
  const h = await startController(t, backend, {
    deployer: (store) =>
      new RolloutDeployer(
        { store, logger: silentLogger, scheduler, events: (event) => void insertEvent(store.db, event) },
        { pollMs: 100, timeoutMs: 20_000 },
      ),
  });
  const alice = await h.user("alice");
  await alice.apps.create(app);
  const web = 'echo "hello from $BERTH_RELEASE"; exec httpd -f -p $PORT -h /www';
  await alice.builds.create(app, { image, procfile: { web } });
  t.is(await deployedState(alice, app, 2), "deployed");

  const lines = (await alice.logs.get(app)).map((e) => `${e.source}[${e.tag}]: ${e.line}`);
  t.true(lines.includes("app[web.1]: hello from v2"), lines.join("\n"));
  t.true(lines.includes("berth[deploy]: v2 deployed"), lines.join("\n"));
  t.true(lines.indexOf("berth[release]: v2 created: alice deployed " + image) < lines.indexOf("app[web.1]: hello from v2"), "in time order");

  const abort = new AbortController();
  t.teardown(() => abort.abort());
  const followed: string[] = [];
  const following = (async () => {
    for await (const e of alice.logs.follow(app, { lines: 0 }, abort.signal)) {
      followed.push(`${e.source}[${e.tag}]: ${e.line}`);
      if (e.line === "hello from v3") abort.abort();
    }
  })();
  await alice.config.set(app, { values: { GREETING: "hi" } });
  await Promise.race([following, new Promise((r) => setTimeout(r, 30_000))]);
  t.true(followed.includes("app[web.1]: hello from v3"), followed.join("\n"));
  t.true(followed.some((l) => l.startsWith("berth[release]: v3 created")), followed.join("\n"));
});
