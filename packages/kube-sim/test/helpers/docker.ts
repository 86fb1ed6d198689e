import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, symlink, copyFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { ExecutionContext } from "ava";
import Docker from "dockerode";

const run = promisify(execFile);

/** The test engine from `scripts/with-services`; its absence fails the test with what to do. */
export function testDockerHost(): string {
  const host = process.env.BERTH_TEST_DOCKER_HOST;
  if (!host) {
    throw new Error(
      "BERTH_TEST_DOCKER_HOST is not set: run these tests under scripts/with-services (it starts a throw-away dockerd), e.g. scripts/with-services pnpm --filter @berth/kube-sim test",
    );
  }
  return host;
}

export function testDocker(): Docker {
  const host = testDockerHost();
  if (!host.startsWith("unix://")) throw new Error(`BERTH_TEST_DOCKER_HOST must be a unix:// socket, got ${host}`);
  return new Docker({ socketPath: host.slice("unix://".length) });
}

/** A one-layer image of busybox-static (sh, httpd, nc, sleep …), imported once per engine. */
export async function busyboxImage(docker: Docker, tag = "kube-sim-busybox:1"): Promise<string> {
  const present = await docker
    .getImage(tag)
    .inspect()
    .catch(() => undefined);
  if (present) return tag;
  const dir = await mkdtemp(join(tmpdir(), "kube-sim-rootfs-"));
  try {
    await mkdir(join(dir, "bin"));
    await mkdir(join(dir, "tmp"));
    await copyFile("/bin/busybox", join(dir, "bin/busybox"));
    for (const tool of ["sh", "echo", "sleep", "httpd", "nc", "mkdir", "cat", "env", "kill", "true", "false"])
      await symlink("busybox", join(dir, "bin", tool));
    // Import untagged, check it runs, then tag: `docker import` of an empty stream would tag a 0-byte image.
    const { stdout } = await run("sh", ["-c", `tar -C "${dir}" -c . | docker import --change 'ENV PATH=/bin' - `], {
      env: { ...process.env, DOCKER_HOST: testDockerHost() },
    });
    const id = stdout.trim();
    await docker.getImage(id).tag({ repo: tag.split(":")[0]!, tag: tag.split(":")[1]! });
    return tag;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Labels for one test's containers, and a teardown that removes any the simulator left behind. */
export function containerLabels(t: ExecutionContext, docker: Docker): Record<string, string> {
  const run = randomBytes(6).toString("hex");
  t.teardown(async () => {
    const left = await docker.listContainers({ all: true, filters: { label: [`kube-sim.test-run=${run}`] } });
    await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  });
  return { "berth.test": "1", "kube-sim.test-run": run };
}

export async function containersOfPod(docker: Docker, uid: string): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`io.kubernetes.pod.uid=${uid}`] } });
}

/** The test registry from `scripts/with-services` (host:port); its absence fails the test with what to do. */
export function testRegistry(): string {
  const registry = process.env.BERTH_TEST_REGISTRY;
  if (!registry)
    throw new Error("BERTH_TEST_REGISTRY is not set: run these tests under scripts/with-services (it starts a throw-away registry)");
  return registry;
}

/** Pushes a local image to the registry under a fresh tag and drops that tag locally, so using it needs a pull. */
export async function pushedImage(docker: Docker, local: string, registry: string): Promise<string> {
  const tag = `t${randomBytes(4).toString("hex")}`;
  const repo = `${registry}/kube-sim-busybox`;
  await docker.getImage(local).tag({ repo, tag });
  try {
    // The engine wants an X-Registry-Auth header even for a registry without authentication.
    const stream = await docker.getImage(`${repo}:${tag}`).push({ authconfig: { serveraddress: registry } });
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(stream, (error: Error | null, output: { error?: string }[]) => {
        const failed = error ?? output.find((o) => o.error);
        if (failed) reject(failed instanceof Error ? failed : new Error(failed.error));
        else resolve();
      });
    });
  } finally {
    // Only the tag goes (force: a container may have been made from it; the image stays in use).
    await docker.getImage(`${repo}:${tag}`).remove({ force: true });
  }
  return `${repo}:${tag}`;
}
