import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { iptablesRules } from "./host-network.ts";

const run = promisify(execFile);

/**
 * A Docker engine as a user has one: default settings, so its bridge is `docker0` and it manages
 * iptables; data, exec root and socket of its own. It serves one app on a published port.
 */
export interface UserEngine {
  /** `unix://…` */
  host: string;
  image: string;
  /** The app's published port on 127.0.0.1 (httpd answering `berth test app`). */
  port: number;
  /** Stops the engine and takes away what it added to the host (docker0, its rules and chains). */
  stop(): Promise<void>;
}

/**
 * Only one such engine may own docker0 at a time, and suites run concurrently on one machine: a lock
 * held by a child process that lives as long as this test process does.
 */
async function lockDocker0(): Promise<ChildProcess> {
  const holder = spawn("flock", ["-w", "600", "/run/berth-test-docker0.lock", "sh", "-c", "echo locked; exec cat"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const [chunk] = (await once(holder.stdout!, "data")) as [Buffer];
  if (chunk.toString().trim() !== "locked") throw new Error("could not lock /run/berth-test-docker0.lock");
  return holder;
}

async function docker(host: string, args: string[]): Promise<string> {
  return (await run("docker", args, { env: { ...process.env, DOCKER_HOST: host } })).stdout.trim();
}

async function busybox(host: string, dir: string): Promise<string> {
  const root = join(dir, "rootfs");
  await mkdir(join(root, "bin"), { recursive: true });
  await mkdir(join(root, "www"));
  await copyFile("/bin/busybox", join(root, "bin", "busybox"));
  await chmod(join(root, "bin", "busybox"), 0o755);
  for (const tool of ["sh", "httpd", "true"]) await symlink("busybox", join(root, "bin", tool));
  await writeFile(join(root, "www", "index.html"), "berth test app\n");
  await run("sh", ["-c", `tar -C "${root}" -c . | docker import --change 'ENV PATH=/bin' - berth-user-engine:1`], {
    env: { ...process.env, DOCKER_HOST: host },
  });
  return "berth-user-engine:1";
}

/**
 * Deletes the iptables rules and the chains that are there now but were not in `before` (lines of
 * {@link tabledRules}); rules of with-services runs, which come and go meanwhile, are left alone.
 */
async function restoreRules(before: string[]): Promise<void> {
  const had = new Set(before);
  const rules: string[][] = [];
  const chains: string[][] = [];
  for (const line of await tabledRules()) {
    const [table = "", kind = "", ...rest] = line.split(" ");
    if (had.has(line) || /\bberth-t\d+\b/.test(line)) continue;
    if (kind === "-A") rules.push([table, rest.join(" ")]);
    // `:NAME -` is a chain someone made; built-in chains have a policy instead of `-`.
    else if (kind.startsWith(":") && rest[0] === "-") chains.push([table, kind.slice(1)]);
  }
  for (const [table = "", rule = ""] of rules.reverse()) await run("sh", ["-c", `iptables -w -t ${table} -D ${rule}`]);
  for (const [table = "", chain = ""] of chains) await run("iptables", ["-w", "-t", table, "-X", chain]);
}

/** `iptables-save` lines, each prefixed with its table, to tell the same rule in two tables apart. */
async function tabledRules(): Promise<string[]> {
  let table = "";
  return (await iptablesRules()).map((line) => {
    if (line.startsWith("*")) table = line.slice(1);
    return `${table} ${line}`;
  });
}

async function forwardPolicy(): Promise<string> {
  return (await tabledRules()).find((line) => line.startsWith("filter :FORWARD "))?.split(" ")[2] ?? "ACCEPT";
}

/**
 * Starts the user's engine, or returns `undefined` when this machine already has a docker0 (a real
 * user's engine, which a test must not share or disturb).
 */
export async function startUserEngine(): Promise<UserEngine | undefined> {
  const lock = await lockDocker0();
  const release = () => lock.stdin?.end();
  if (existsSync("/sys/class/net/docker0")) {
    release();
    return undefined;
  }
  const dir = await mkdtemp(join(tmpdir(), "berth-user-engine-"));
  const host = `unix://${dir}/docker.sock`;
  const rulesBefore = await tabledRules();
  const policyBefore = await forwardPolicy();
  const ipForwardBefore = (await readFile("/proc/sys/net/ipv4/ip_forward", "utf8")).trim();
  const dockerd = spawn(
    "dockerd",
    [
      "--host",
      host,
      "--data-root",
      join(dir, "data"),
      "--exec-root",
      join(dir, "exec"),
      "--pidfile",
      join(dir, "docker.pid"),
      "--storage-driver=vfs",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  dockerd.stderr?.on("data", (chunk: Buffer) => {
    log += chunk.toString();
  });
  const stop = async () => {
    if (dockerd.exitCode === null) {
      dockerd.kill("SIGTERM");
      await once(dockerd, "exit");
    }
    const mounts = (await readFile("/proc/mounts", "utf8")).split("\n").map((line) => line.split(" ")[1] ?? "");
    for (const mount of mounts.filter((m) => m.startsWith(`${dir}/`)).reverse()) await run("umount", ["-l", mount]);
    await restoreRules(rulesBefore);
    if ((await forwardPolicy()) !== policyBefore) await run("iptables", ["-w", "-P", "FORWARD", policyBefore]);
    await writeFile("/proc/sys/net/ipv4/ip_forward", `${ipForwardBefore}\n`);
    if (existsSync("/sys/class/net/docker0")) await run("ip", ["link", "del", "docker0"]);
    await rm(dir, { recursive: true, force: true });
    release();
  };
  try {
    for (let attempt = 0; ; attempt++) {
      if (dockerd.exitCode !== null) throw new Error(`the user's dockerd exited: ${log}`);
      if (
        await docker(host, ["version"]).then(
          () => true,
          () => false,
        )
      )
        break;
      if (attempt === 100) throw new Error(`the user's dockerd did not answer in 20 s: ${log}`);
      await sleep(200);
    }
    const image = await busybox(host, dir);
    const id = await docker(host, ["run", "-d", "-p", "127.0.0.1::5000", image, "httpd", "-f", "-p", "5000", "-h", "/www"]);
    const port = Number((await docker(host, ["port", id, "5000/tcp"])).split(":").at(-1));
    return { host, image, port, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
