import { randomBytes } from "node:crypto";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import type { RegistrationMode } from "@berth/api";
import { BerthError } from "./errors.ts";
import type { LogLevel } from "./logger.ts";

/** The controller's settings; every one has a default that makes the single-machine mode work. */
export interface ControllerConfig {
  host: string;
  port: number;
  dataDir: string;
  /** PostgreSQL URL; SQLite under `dataDir` when absent. */
  databaseUrl: string | undefined;
  /** Platform domain: apps answer at `<app>.<domain>`. */
  domain: string;
  /** Public base URL scheme+port suffix used to print app URLs (`http://<app>.<domain>:<port>`). */
  appUrlTemplate: string;
  registrationMode: RegistrationMode;
  /** Secret shared with the builder (X-Berth-Builder-Key). Generated when absent. */
  builderKey: string;
  /** Secret shared with the router (X-Berth-Router-Key). Generated when absent. */
  routerKey: string;
  /** CIDRs of proxies in front of the router whose X-Forwarded-For is trusted. */
  trustedProxies: string[];
  /** How long an instance leaving a rollout gets no new requests before it is stopped, in ms. */
  drainMs: number;
  logLevel: LogLevel;
  /** Who runs apps: the local Docker engine, or nothing (releases are only recorded). */
  scheduler: "docker" | "none";
  /** `DOCKER_HOST`; the default socket when absent. */
  dockerHost: string | undefined;
  /**
   * `bridge`: instances publish `$PORT` on 127.0.0.1; `host`: they share the host's network; `auto`:
   * bridge when the engine has one (dockerd --bridge=none has not).
   */
  dockerNetwork: "auto" | "bridge" | "host";
}

type Env = Record<string, string | undefined>;

function port(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new BerthError("BAD_REQUEST", `${name}=${raw} is not a port number`, { hint: "use 1-65535, or 0 for any free port" });
  }
  return value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BerthError("BAD_REQUEST", `${name}=${raw} is not valid`, { hint: `use a whole number from ${min} to ${max}` });
  }
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw new BerthError("BAD_REQUEST", `${name}=${raw} is not valid`, { hint: `use one of: ${allowed.join(", ")}` });
}

/** Reads `BERTH_*` variables (and `DATABASE_URL`). */
export function loadControllerConfig(env: Env = process.env): ControllerConfig {
  const listenPort = port(env, "BERTH_PORT", 8080);
  const domain = env.BERTH_DOMAIN || "localhost";
  const publicPort = port(env, "BERTH_PUBLIC_PORT", listenPort);
  const portSuffix = publicPort === 80 ? "" : `:${publicPort}`;
  return {
    host: env.BERTH_HOST || "0.0.0.0",
    port: listenPort,
    dataDir: resolve(env.BERTH_DATA_DIR || join(homedir(), ".berth", "data")),
    databaseUrl: env.DATABASE_URL || env.BERTH_DATABASE_URL || undefined,
    domain,
    appUrlTemplate: env.BERTH_APP_URL_TEMPLATE || `http://{app}.${domain}${portSuffix}`,
    registrationMode: oneOf(env, "BERTH_REGISTRATION_MODE", ["open", "admin_only", "disabled"] as const, "admin_only"),
    builderKey: env.BERTH_BUILDER_KEY || randomBytes(32).toString("hex"),
    routerKey: env.BERTH_ROUTER_KEY || randomBytes(32).toString("hex"),
    drainMs: integer(env, "BERTH_DRAIN_MS", 2000, 0, 600_000),
    trustedProxies: (env.BERTH_TRUSTED_PROXIES ?? "").split(",").map((c) => c.trim()).filter((c) => c !== ""),
    logLevel: oneOf(env, "BERTH_LOG_LEVEL", ["debug", "info", "warn", "error"] as const, "info"),
    scheduler: oneOf(env, "BERTH_SCHEDULER", ["docker", "none"] as const, "docker"),
    dockerHost: env.DOCKER_HOST || undefined,
    dockerNetwork: oneOf(env, "BERTH_DOCKER_NETWORK", ["auto", "bridge", "host"] as const, "auto"),
  };
}
