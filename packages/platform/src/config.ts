import { join } from "node:path";
import { type BuildLimits, loadBuildLimits } from "@berth/builder";
import { type Env, platformOwnSettings, readSettings, readTogether } from "@berth/config";
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

/**
 * Reads `BERTH_*` variables as the controller, the builder and the router read them; every one has
 * a default that works on a fresh machine. Throws one ConfigError naming every variable that cannot be used.
 */
export function loadPlatformConfig(env: Env = process.env): PlatformConfig {
  const { controller, own, builds, routerAccessLog } = readTogether({
    controller: () => loadControllerConfig(env),
    own: () => readSettings(platformOwnSettings, env),
    builds: () => loadBuildLimits(env),
    routerAccessLog: () => accessLogSetting(env),
  });
  return {
    controller,
    host: controller.host,
    port: controller.port,
    adminHost: own.adminHost,
    adminPort: own.adminPort,
    stackImage: own.stackImage,
    registry: own.registry,
    builds,
    routeCacheFile: join(controller.dataDir, "router", "routes.json"),
    routerAccessLog,
  };
}
