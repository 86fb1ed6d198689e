import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ControllerClient } from "../../packages/api/src/index.ts";
import { silentLogger } from "../../packages/controller/src/index.ts";
import { loadPlatformConfig, type Platform, startPlatform } from "../../packages/platform/src/index.ts";
import { readSettings } from "../../packages/config/src/setting.ts";
import { stackImage } from "../../packages/config/src/settings/shared.ts";

const run = promisify(execFile);
const root = join(import.meta.dirname, "../..");

/** Makes the stack image on the engine (scripts/stack-image: does nothing when it exists). */
export async function ensureStackImage(dockerHost: string, image: string, signal?: AbortSignal): Promise<void> {
  await run(join(root, "scripts/stack-image"), [image], {
    env: { ...process.env, DOCKER_HOST: dockerHost },
    timeout: 900_000,
    ...(signal === undefined ? {} : { signal }),
  });
}

export interface BenchPlatform {
  platform: Platform;
  /** Anonymous API client on the public port (127.0.0.1 is an alias of berth.<domain>). */
  client: ControllerClient;
  /** Stops the platform and removes its data directory. */
  close(): Promise<void>;
}

/**
 * How apps reach the network on the engine: `host` (each instance on a free host port) or `bridge`
 * (each at its own address on the engine's bridge, as on a user's engine with docker0; the engine of
 * scripts/with-services has a bridge of its own).
 */
export type BenchNetwork = "host" | "bridge";

/** The whole platform on free loopback ports, a temp data dir, apps on the given engine (host networking unless told). */
export async function startBenchPlatform(dockerHost: string, stackImage: string, network: BenchNetwork = "host"): Promise<BenchPlatform> {
  // Short: the builder's Unix socket lives under it.
  const dataDir = await mkdtemp(join(tmpdir(), "bpb-"));
  const config = loadPlatformConfig({
    HOME: dataDir,
    BERTH_DATA_DIR: dataDir,
    BERTH_HOST: "127.0.0.1",
    BERTH_PORT: "0",
    BERTH_ADMIN_HOST: "127.0.0.1",
    BERTH_ADMIN_PORT: "0",
    BERTH_STACK_IMAGE: stackImage,
    DOCKER_HOST: dockerHost,
    BERTH_DOCKER_NETWORK: network,
  });
  let platform: Platform;
  try {
    platform = await startPlatform(config, silentLogger);
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    platform,
    client: new ControllerClient({ url: `http://127.0.0.1:${platform.port}` }),
    async close() {
      await platform.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The stack image the benches build on: `BERTH_STACK_IMAGE`, or the platform's default. */
export const STACK_IMAGE: string = readSettings({ stackImage }, process.env).stackImage;
