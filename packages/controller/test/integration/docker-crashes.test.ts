import { randomBytes } from "node:crypto";
import test from "ava";
import Docker from "dockerode";
import { DockerScheduler } from "../../src/scheduler/docker/scheduler.ts";
import { crashReportedByWatch } from "../helpers/crash-watch.ts";
import { fixtureWith } from "../helpers/deploy-fixture.ts";
import { countedDocker } from "../helpers/docker-streams.ts";
import { eventually } from "../helpers/eventually.ts";
import { busyboxImage, socketPath, testDockerHost } from "../helpers/test-image.ts";

const host = testDockerHost();
const docker = new Docker({ socketPath: socketPath(host) });
const image = await busyboxImage(host);

test("a container that crashes is reported within seconds through the engine's events, and close stops the stream", async (t) => {
  const { client, open } = countedDocker(docker);
  const scheduler = new DockerScheduler(client, { network: { mode: "host" }, labels: { "berth.test": "1" }, stopTimeout: 1 });
  const app = `cr-${randomBytes(4).toString("hex")}`;
  t.teardown(() => scheduler.destroyApp(app));
  const f = await fixtureWith(t, "sqlite", scheduler, { pollMs: 100, timeoutMs: 20_000 }, app);
  const crash = await crashReportedByWatch(t, f, image);
  // The check runs on the `die` event, while the engine waits to restart the container and still
  // tells the exit code; once it runs again the engine has forgotten it.
  t.regex(crash.message, new RegExp(`^worker\\.1 \\(${app}-v2-worker-1\\) exited( with code 3)?; restarted 1 time\\(s\\)$`));
  t.is(open.events, 1, "one event stream");

  await f.deployer.close();
  await eventually(async () => (open.events === 0 ? true : undefined), "the event stream to close", 2000);
});
