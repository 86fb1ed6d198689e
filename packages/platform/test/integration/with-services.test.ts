import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import test, { type ExecutionContext } from "ava";
import { hostNetwork, tracesOf } from "../helpers/host-network.ts";
import { startUserEngine } from "../helpers/user-engine.ts";

// scripts/with-services' throw-away engine beside the machine's own Docker engine: a run must leave
// docker0, that engine's rules and its apps as they were, and take away all it added — when it ends,
// when it is stopped (TERM, Ctrl-C), and, when it was killed outright, at the start of the next run.
const run = promisify(execFile);
const script = join(import.meta.dirname, "../../../../scripts/with-services");
const user = await startUserEngine();
test.after.always(() => user?.stop());

/** Removes a directory an engine used, unmounting what a killed engine left mounted in it (dockerd bind-mounts its data root). */
async function removeTree(dir: string): Promise<void> {
  const mounts = (await readFile("/proc/mounts", "utf8")).split("\n").map((line) => line.split(" ")[1] ?? "");
  for (const mount of mounts.filter((m) => m === dir || m.startsWith(`${dir}/`)).reverse()) await run("umount", ["-l", mount]);
  await rm(dir, { recursive: true, force: true });
}

interface Nested {
  pid: number;
  /** The run's bridge, its subnet and its temporary directory, from its start-up line. */
  started: Promise<{ bridge: string; subnet: string; runDir: string }>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** `scripts/with-services COMMAND…` with only its Docker engine (PostgreSQL and registry are given as unused). */
async function withServices(t: ExecutionContext, command: string[], env: Record<string, string> = {}): Promise<Nested> {
  // A data root of its own (the script puts its lock file beside it).
  const dir = await mkdtemp(join(tmpdir(), "berth-ws-"));
  t.teardown(() => removeTree(dir));
  const { BERTH_TEST_DOCKER_HOST, BERTH_TEST_DOCKER_BRIDGE, BERTH_TEST_DOCKER_SUBNET, ...outer } = process.env;
  const child = spawn("bash", [script, ...command], {
    env: {
      ...outer,
      BERTH_TEST_DATABASE_URL: "postgres://unused",
      BERTH_TEST_REGISTRY: "127.0.0.1:9",
      BERTH_TEST_DOCKER_ROOT: join(dir, "docker"),
      ...env,
    },
    // Its own process group, so that a Ctrl-C can be sent to it as a terminal would, and a kill can take all of it.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const started = new Promise<{ bridge: string; subnet: string; runDir: string }>((resolve, reject) => {
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const line = /dockerd on (\S+)\/docker\.sock \((.*)\)\n/.exec(stderr);
      if (line === null) return;
      const bridge = / bridge (\S+) on (\S+)$/.exec(line[2] ?? "");
      if (bridge?.[1] && bridge[2]) resolve({ runDir: line[1] ?? "", bridge: bridge[1], subnet: bridge[2] });
      else reject(new Error(`with-services started an engine without a bridge of its own: ${line[0]}`));
    });
    child.once("exit", () => reject(new Error(`with-services ended before its engine was up:\n${stderr}`)));
  });
  started.catch(() => {});
  const exited = once(child, "exit").then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
    stdout,
    stderr,
  }));
  // A failed test must not leave its run behind, nor wait on one that does not end (a TERM that reaches
  // a command between fork and exec is lost, and a script that waits on it then waits for ever).
  t.teardown(async () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    process.kill(-child.pid, "SIGTERM");
    if ((await Promise.race([exited, sleep(20_000)])) === undefined) process.kill(-child.pid, "SIGKILL");
    await exited;
  });
  if (child.pid === undefined) throw new Error("with-services did not start");
  return { pid: child.pid, started, exited };
}

test.serial("a run leaves the machine's docker0, its engine and its published ports alone and takes away all it added", async (t) => {
  const before = await hostNetwork();
  t.true(user === undefined || before.links.includes("docker0"));
  const port = String(user?.port ?? "");
  // While both engines run, the user's app answers through its published port.
  const nested = await withServices(
    t,
    ["sh", "-c", 'echo "$BERTH_TEST_DOCKER_BRIDGE $BERTH_TEST_DOCKER_SUBNET"; [ -z "$PORT" ] || curl -fsS "127.0.0.1:$PORT/"'],
    {
      PORT: port,
    },
  );
  const { code, stdout, stderr } = await nested.exited;
  const after = await hostNetwork();
  t.true(after.links.includes("docker0"), "the run deleted docker0");
  t.is(code, 0, stderr);
  const [bridge = "", subnet = "", ...answer] = stdout.split(/\s+/);
  t.regex(bridge, /^berth-t\d+$/);
  t.regex(subnet, /^10\.213\.\d+\.0\/24$/);
  if (user) t.is(answer.join(" ").trim(), "berth test app");
  t.deepEqual(after, before);
  t.deepEqual(await tracesOf(bridge, subnet), []);
  if (user) {
    const { stdout: body } = await run("curl", ["-fsS", `127.0.0.1:${user.port}/`]);
    t.is(body, "berth test app\n");
    // What the report that found this saw fail: a new container on the user's engine ("could not find bridge docker0").
    await t.notThrowsAsync(run("docker", ["run", "--rm", user.image, "true"], { env: { ...process.env, DOCKER_HOST: user.host } }));
  }
});

for (const [how, signal, status] of [
  ["TERM sent to the script alone", "SIGTERM", 143],
  ["Ctrl-C (INT to its process group)", "SIGINT", 130],
] as const) {
  test.serial(`a run stopped by ${how} takes away all it added before it exits`, async (t) => {
    const before = await hostNetwork();
    const nested = await withServices(t, ["sleep", "600"]);
    const { bridge, subnet } = await nested.started;
    t.notDeepEqual(await tracesOf(bridge, subnet), []);
    process.kill(signal === "SIGINT" ? -nested.pid : nested.pid, signal);
    const exit = await Promise.race([nested.exited, sleep(30_000)]);
    if (exit === undefined) return t.fail(`with-services was still running 30 s after ${signal}`);
    t.is(exit.code, status);
    t.deepEqual(await tracesOf(bridge, subnet), []);
    t.deepEqual(await hostNetwork(), before);
  });
}

test.serial("the bridge of a run killed outright is taken away by the next run", async (t) => {
  const before = await hostNetwork();
  const killed = await withServices(t, ["sleep", "600"]);
  const { bridge, subnet, runDir } = await killed.started;
  process.kill(-killed.pid, "SIGKILL");
  await killed.exited;
  // Besides the network, a killed run leaves its directory behind (the next run sweeps only the network).
  t.teardown(() => removeTree(runDir));
  const left = await tracesOf(bridge, subnet);
  t.true(left.includes(`/run/berth-test-net/${bridge}`), left.join("\n"));
  t.true(
    left.some((line) => line.includes("MASQUERADE")),
    left.join("\n"),
  );

  const next = await withServices(t, ["true"]);
  t.is((await next.exited).code, 0);
  t.deepEqual(await tracesOf(bridge, subnet), []);
  t.deepEqual(await hostNetwork(), before);
});
