import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { chmod, copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The test engine, from `scripts/with-services`; a clear failure when it is not there. */
export function testDockerHost(): string {
  const host = process.env.BERTH_TEST_DOCKER_HOST;
  if (host === undefined || host === "") {
    throw new Error("BERTH_TEST_DOCKER_HOST is not set: run the tests through `scripts/with-services` (it starts dockerd)");
  }
  return host;
}

/** The test registry (`host:port`), from `scripts/with-services`. */
export function testRegistry(): string {
  const registry = process.env.BERTH_TEST_REGISTRY;
  if (registry === undefined || registry === "") {
    throw new Error("BERTH_TEST_REGISTRY is not set: run the tests through `scripts/with-services` (it starts a registry)");
  }
  return registry;
}

export function socketPath(host: string): string {
  if (!host.startsWith("unix://")) throw new Error(`BERTH_TEST_DOCKER_HOST=${host}: only unix:// sockets are supported by the tests`);
  return host.slice("unix://".length);
}

/** `/cgi-bin/env` answers with the instance's release and greeting: what a rollout must change. */
const cgi = `#!/bin/sh
printf 'Content-Type: text/plain\\r\\n\\r\\n'
echo "release=$BERTH_RELEASE app=$BERTH_APP greeting=$GREETING port=$PORT"
`;

const tools = ["sh", "httpd", "nc", "sleep", "echo", "cat", "env", "kill", "ls", "true", "false", "setsid"];

/**
 * A 2 MB image made from busybox-static: `httpd -f -p $PORT -h /www` serves `/` and `/cgi-bin/env`.
 * Made once per content (the tag is a hash) with `docker import`, labelled `berth.test=1`.
 */
export async function busyboxImage(host: string): Promise<string> {
  const tag = `berth-test-busybox:${createHash("sha256").update(cgi).update(tools.join()).digest("hex").slice(0, 12)}`;
  const env = { ...process.env, DOCKER_HOST: host };
  try {
    await run("docker", ["image", "inspect", tag], { env });
    return tag;
  } catch {
    // not there yet: make it
  }
  const root = await mkdtemp(join(tmpdir(), "berth-rootfs-"));
  try {
    await mkdir(join(root, "bin"));
    await mkdir(join(root, "www", "cgi-bin"), { recursive: true });
    await mkdir(join(root, "tmp"));
    await copyFile("/bin/busybox", join(root, "bin", "busybox"));
    await chmod(join(root, "bin", "busybox"), 0o755);
    for (const tool of tools) await symlink("busybox", join(root, "bin", tool));
    await writeFile(join(root, "www", "index.html"), "berth test app\n");
    await writeFile(join(root, "www", "cgi-bin", "env"), cgi, { mode: 0o755 });
    await run("sh", ["-c", `tar -C "${root}" -c . | docker import --change 'LABEL berth.test=1' --change 'ENV PATH=/bin' - "${tag}"`], {
      env,
    });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  return tag;
}
