import { randomBytes } from "node:crypto";
import test, { type ExecutionContext } from "ava";
import Docker from "dockerode";
import { DockerScheduler } from "../../src/scheduler/docker/scheduler.ts";
import type { GroupSpec } from "../../src/scheduler/types.ts";
import { eventually } from "../helpers/eventually.ts";
import { busyboxImage, socketPath, testDockerHost } from "../helpers/test-image.ts";

// How an instance stops on the real engine: the scheduler's containers (tini as PID 1, the command
// under processCommand's supervisor), stopped as the scheduler stops them (`stop` with its timeout).

const host = testDockerHost();
const docker = new Docker({ socketPath: socketPath(host) });
const image = await busyboxImage(host);
const STOP_TIMEOUT = 4;

/** One instance running `command`; resolves once its output shows `ready`. */
async function running(
  t: ExecutionContext,
  command: string,
): Promise<{ stop(): Promise<{ ms: number; exitCode: number; output: string }> }> {
  const scheduler = new DockerScheduler(docker, { network: { mode: "host" }, labels: { "berth.test": "1" }, stopTimeout: STOP_TIMEOUT });
  const app = `st-${randomBytes(4).toString("hex")}`;
  t.teardown(() => scheduler.destroyApp(app));
  const spec: GroupSpec = {
    app,
    release: 1,
    type: "worker",
    image,
    command,
    env: {},
    limits: undefined,
    readiness: { mode: "running", path: undefined, initialDelay: 0, timeout: 1, period: 1, failureThreshold: 3 },
  };
  await scheduler.createGroup(spec);
  await scheduler.scaleGroup(spec, 1);
  const output = async () => (await scheduler.logs(app)).map((line) => line.line).join("\n");
  await eventually(async () => ((await output()).includes("ready") ? true : undefined), "the instance to say it is ready", 20_000);
  const container = docker.getContainer(`${app}-v1-worker-1`);
  return {
    async stop() {
      const started = Date.now();
      await container.stop({ t: STOP_TIMEOUT });
      const ms = Date.now() - started;
      return { ms, exitCode: (await container.inspect()).State.ExitCode, output: await output() };
    },
  };
}

test("a stop's SIGTERM reaches an app under an outer shell, and the instance runs until the app has finished", async (t) => {
  // A compound command, so the outer shell cannot exec the app (as under `npm start`).
  const instance = await running(
    t,
    `sh -c 'trap "echo draining; sleep 1; echo drained; exit 0" TERM; echo ready; while :; do sleep 0.1; done'; echo outer shell went on`,
  );
  const { ms, exitCode, output } = await instance.stop();
  t.regex(output, /draining\n(.*\n)*drained/, "the app got the TERM and finished its work");
  t.notRegex(output, /outer shell went on/);
  t.true(ms >= 900, `the instance stayed until the app was done (${ms} ms)`);
  t.not(exitCode, 137, "not killed at the stop timeout");
});

test("an app that ignores SIGTERM runs until the stop timeout, then is killed", async (t) => {
  const instance = await running(
    t,
    `sh -c 'trap "echo TERM ignored" TERM; echo ready; while :; do sleep 0.1; done'; echo outer shell went on`,
  );
  const { ms, exitCode, output } = await instance.stop();
  t.regex(output, /TERM ignored/);
  t.true(ms >= STOP_TIMEOUT * 1000 - 100, `killed at the stop timeout (${ms} ms)`);
  t.is(exitCode, 137);
});

test("an app that exits at once on SIGTERM stops at once", async (t) => {
  const instance = await running(t, "echo ready; sleep 600; echo never");
  const { ms, exitCode, output } = await instance.stop();
  t.notRegex(output, /never/);
  t.true(ms < (STOP_TIMEOUT - 1) * 1000, `stopped well before the stop timeout (${ms} ms)`);
  t.is(exitCode, 143, "the command's status: ended by the TERM");
});

// An app's own exit status reaching the engine through the supervisor: docker-crashes.test.ts (code 3).
