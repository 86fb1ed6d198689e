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

/** The network modes apps run in on the test engine: its own bridge with published ports, and the host's. */
export const testNetworks = ["bridge", "host"] as const;

/**
 * The whole platform on a free port, on the test engine; apps on the host's network unless `env`
 * says `BERTH_DOCKER_NETWORK=bridge`.
 */
export async function startTestPlatform(
  t: ExecutionContext,
  env: Record<string, string> = {},
  options: PlatformOptions = {},
): Promise<Running> {
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
    // Short, so that each release's post-deploy watch costs a test little time.
    BERTH_DEPLOY_WATCH: "2",
    ...env,
  });
  const platform = await startPlatform(config, silentLogger, options);
  t.teardown(async () => {
    await platform.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  return { platform, client: new Client({ url: `http://127.0.0.1:${platform.port}` }), dataDir };
}

/** Waits until release `version` is no longer pending (the controller's long-poll, as the CLI waits); returns it. */
export function settled(client: ControllerClient, app: string, version: number): Promise<Release> {
  return client.releases.settled(app, version);
}
