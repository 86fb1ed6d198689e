import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { type ControllerClient, ControllerClient as Client, type Release } from "@berth/api";
import { silentLogger } from "@berth/controller";
import type { ExecutionContext } from "ava";
import { loadPlatformConfig } from "../../src/config.ts";
import { type Platform, type PlatformOptions, startPlatform } from "../../src/platform.ts";

const run = promisify(execFile);
const root = join(import.meta.dirname, "../../../..");

export function testDockerHost(): string {
  const host = process.env.BERTH_TEST_DOCKER_HOST;
  if (host === undefined || host === "") {
    throw new Error("BERTH_TEST_DOCKER_HOST is not set: run the tests through `scripts/with-services` (it starts dockerd)");
  }
  return host;
}

/** Makes the stack image on the test engine (once; later calls return at once). */
export async function ensureStackImage(dockerHost: string): Promise<void> {
  await run(join(root, "scripts/stack-image"), [], { env: { ...process.env, DOCKER_HOST: dockerHost }, timeout: 600_000 });
}

export interface Running {
  platform: Platform;
  /** The API at `http://127.0.0.1:<port>` (an alias of berth.<domain>), anonymous. */
  client: ControllerClient;
  dataDir: string;
}

/** The whole platform on a free port, on the test engine, with host networking. */
export async function startTestPlatform(t: ExecutionContext, env: Record<string, string> = {}, options: PlatformOptions = {}): Promise<Running> {
  const dockerHost = testDockerHost();
  await ensureStackImage(dockerHost);
  // Short: the builder's Unix socket path lives under it.
  const dataDir = await mkdtemp(join(tmpdir(), "bp-"));
  const config = loadPlatformConfig({
    HOME: dataDir,
    BERTH_DATA_DIR: dataDir,
    BERTH_HOST: "127.0.0.1",
    BERTH_PORT: "0",
    BERTH_ADMIN_PORT: "0",
    DOCKER_HOST: dockerHost,
    BERTH_DOCKER_NETWORK: "host",
    BERTH_DRAIN_MS: "1000",
    ...env,
  });
  const platform = await startPlatform(config, silentLogger, options);
  t.teardown(async () => {
    await platform.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  return { platform, client: new Client({ url: `http://127.0.0.1:${platform.port}` }), dataDir };
}

/** Waits until release `version` is no longer pending; returns it. */
export async function settled(client: ControllerClient, app: string, version: number, timeoutMs = 120_000): Promise<Release> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const release = await client.releases.get(app, version).catch(() => undefined);
    if (release !== undefined && release.state !== "pending") return release;
    if (Date.now() > deadline) throw new Error(`v${version} of ${app} is still pending after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
