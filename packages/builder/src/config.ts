import { buildLimitSettings, builderSettings, type Env, readSettings } from "@berth/config";
import type { LogLevel } from "@berth/log";

/** The limits of pushes and builds, wherever the builder runs (stand-alone or in the platform). */
export interface BuildLimits {
  /** BERTH_MAX_PUSH_BYTES: the largest push. */
  maxPushBytes: number;
  /** BERTH_BUILD_TIMEOUT (seconds): a longer build is cancelled. */
  buildTimeoutMs: number;
  /** BERTH_GIT_TIMEOUT (seconds): a git request that moves no data for this long is ended. */
  gitTimeoutMs: number;
}

/** The stand-alone builder's settings, from `BERTH_*` variables. */
export interface BuilderConfig extends BuildLimits {
  host: string;
  port: number;
  controllerUrl: string;
  builderKey: string;
  dataDir: string;
  /** Docker engine address (DOCKER_HOST); the default socket when absent. */
  dockerHost: string | undefined;
  /** Registry to push to (cluster mode); images stay in the local engine when absent. */
  registry: string | undefined;
  stackImage: string;
  buildNetwork: string | undefined;
  logLevel: LogLevel;
}

/** Reads BERTH_MAX_PUSH_BYTES, BERTH_BUILD_TIMEOUT and BERTH_GIT_TIMEOUT; throws one ConfigError for every bad value. */
export function loadBuildLimits(env: Env = process.env): BuildLimits {
  return readSettings(buildLimitSettings, env);
}

/** Reads the stand-alone builder's settings (`@berth/config`'s `builderSettings`); throws one ConfigError for every bad value. */
export function loadBuilderConfig(env: Env = process.env): BuilderConfig {
  return readSettings(builderSettings, env);
}
