import { join } from "node:path";
import { type BuildLimits, loadBuildLimits } from "@berth/builder";
import { type ControllerConfig, loadControllerConfig } from "@berth/controller";
import { type AccessLogSetting, accessLogSetting } from "@berth/router";

/** The single-machine platform's settings: the controller's, plus what the builder and router need. */
export interface PlatformConfig {
  controller: ControllerConfig;
  /** The one public port: apps, the API and git. */
  host: string;
  port: number;
  /** Router health and Prometheus metrics. */
  adminHost: string;
  adminPort: number;
  /** Image buildpack builds start from (`scripts/stack-image` makes it offline). */
  stackImage: string;
  /** Registry builds are pushed to; images stay in the local engine when absent. */
  registry: string | undefined;
  /** Push size, build time and git request deadlines, read as the stand-alone builder reads them. */
  builds: BuildLimits;
  /** Where the router keeps its last route table. */
  routeCacheFile: string;
  /** Which requests the router logs, and where (`BERTH_ROUTER_ACCESS_LOG`; errors only by default). */
  routerAccessLog: AccessLogSetting;
}

type Env = Record<string, string | undefined>;

function port(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${name}=${raw} is not a port number (1-65535, or 0 for any)`);
  return value;
}

/** Reads `BERTH_*` variables; every one has a default that works on a fresh machine. */
export function loadPlatformConfig(env: Env = process.env): PlatformConfig {
  const controller = loadControllerConfig(env);
  return {
    controller,
    host: controller.host,
    port: controller.port,
    adminHost: env.BERTH_ADMIN_HOST || "127.0.0.1",
    adminPort: port(env, "BERTH_ADMIN_PORT", 9090),
    stackImage: env.BERTH_STACK_IMAGE || "berth/stack:24",
    registry: env.BERTH_REGISTRY || undefined,
    builds: loadBuildLimits(env),
    routeCacheFile: join(controller.dataDir, "router", "routes.json"),
    routerAccessLog: accessLogSetting(env),
  };
}
