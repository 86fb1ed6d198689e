import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { BuildError } from "./errors.ts";

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
  /** Docker engine address (DOCKER_HOST); dockerode's default socket when absent. */
  dockerHost: string | undefined;
  /** Registry to push to (cluster mode); images stay in the local engine when absent. */
  registry: string | undefined;
  stackImage: string;
  buildNetwork: string | undefined;
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, max: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BuildError("CONFIG_INVALID", `${name}=${raw} is not a whole number between ${min} and ${max}`);
  }
  return value;
}

/** Reads BERTH_MAX_PUSH_BYTES, BERTH_BUILD_TIMEOUT and BERTH_GIT_TIMEOUT; throws CONFIG_INVALID on a bad value. */
export function loadBuildLimits(env: Env = process.env): BuildLimits {
  return {
    maxPushBytes: integer(env, "BERTH_MAX_PUSH_BYTES", 256 * 1024 * 1024, 16 * 1024 * 1024 * 1024),
    buildTimeoutMs: integer(env, "BERTH_BUILD_TIMEOUT", 900, 24 * 3600) * 1000,
    gitTimeoutMs: integer(env, "BERTH_GIT_TIMEOUT", 60, 3600, 5) * 1000,
  };
}

export function loadBuilderConfig(env: Env = process.env): BuilderConfig {
  const builderKey = env.BERTH_BUILDER_KEY ?? "";
  if (builderKey === "") {
    throw new BuildError("CONFIG_INVALID", "BERTH_BUILDER_KEY is not set", { hint: "give the builder the same BERTH_BUILDER_KEY as the controller" });
  }
  return {
    host: env.BERTH_BUILDER_HOST || "0.0.0.0",
    port: integer(env, "BERTH_BUILDER_PORT", 8081, 65535),
    controllerUrl: env.BERTH_CONTROLLER_URL || "http://127.0.0.1:8080",
    builderKey,
    dataDir: resolve(env.BERTH_DATA_DIR || join(homedir(), ".berth", "data")),
    dockerHost: env.DOCKER_HOST || undefined,
    registry: env.BERTH_REGISTRY || undefined,
    stackImage: env.BERTH_STACK_IMAGE || "berth/stack:24",
    buildNetwork: env.BERTH_BUILD_NETWORK || undefined,
    ...loadBuildLimits(env),
  };
}
