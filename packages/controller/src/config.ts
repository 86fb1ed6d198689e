import { randomBytes } from "node:crypto";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import type { RegistrationMode } from "@berth/api";
import { type DeploySettings, defaultDeploySettings } from "./domain/deploy-settings.ts";
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
  /**
   * `BERTH_DRAIN_TIMEOUT` (s): the longest an instance leaving a rollout waits for its in-flight
   * requests once no router sends it new ones, before it is signalled to stop.
   */
  drainGraceMs: number;
  /**
   * Rollouts of apps whose config sets no `BERTH_DEPLOY_*` value: `BERTH_DEPLOY_BATCHES`,
   * `BERTH_DEPLOY_TIMEOUT` (s) and `BERTH_DEPLOY_WATCH` (s: how long a ready release is watched for crashes).
   */
  rollout: DeploySettings;
  logLevel: LogLevel;
  /** Who runs apps: the local Docker engine, a Kubernetes cluster, or nothing (releases are only recorded). */
  scheduler: "docker" | "kubernetes" | "none";
  /** `DOCKER_HOST`; the default socket when absent. */
  dockerHost: string | undefined;
  /**
   * `bridge`: instances listen on `$PORT` at their own address on the engine's bridge network (the
   * router and the healthchecks reach them there); `host`: they share the host's network; `auto`:
   * bridge when the engine has one (dockerd --bridge=none has not).
   */
  dockerNetwork: "auto" | "bridge" | "host";
  /** Kubernetes settings, read when `scheduler` is `kubernetes`. */
  kubernetes: KubernetesSettings;
}

export interface KubernetesSettings {
  /** `KUBECONFIG`: a kubeconfig file; client-node's defaults (then in-cluster) when absent. */
  kubeconfig: string | undefined;
  /** `BERTH_K8S_GRACE_PERIOD`: seconds pods get after SIGTERM. */
  terminationGracePeriodSeconds: number;
  /** `BERTH_K8S_NODE_SELECTOR` (`disk=ssd,zone=a`): labels nodes must have to run apps. */
  nodeSelector: Record<string, string>;
  /** `BERTH_REGISTRY_SERVER` + `_USERNAME` + `_PASSWORD`: a login for private images, given to the kubelet. */
  registryLogin: { server: string; username: string; password: string } | undefined;
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

function labels(env: Env, name: string): Record<string, string> {
  const raw = env[name] ?? "";
  const pairs = raw
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const [key, value, ...rest] = pair.split("=");
    if (!key || value === undefined || rest.length > 0) {
      throw new BerthError("BAD_REQUEST", `${name}=${raw} is not a list of labels`, {
        hint: "use key=value pairs separated by commas, e.g. disk=ssd,zone=a",
      });
    }
    out[key] = value;
  }
  return out;
}

function registryLogin(env: Env): KubernetesSettings["registryLogin"] {
  const server = env.BERTH_REGISTRY_SERVER || "";
  const username = env.BERTH_REGISTRY_USERNAME || "";
  const password = env.BERTH_REGISTRY_PASSWORD || "";
  if (server === "" && username === "" && password === "") return undefined;
  if (server === "" || username === "" || password === "") {
    throw new BerthError("BAD_REQUEST", "BERTH_REGISTRY_SERVER, BERTH_REGISTRY_USERNAME and BERTH_REGISTRY_PASSWORD go together", {
      hint: "set all three for a private registry, or none when the cluster can pull without a login",
    });
  }
  return { server, username, password };
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
    drainGraceMs: integer(env, "BERTH_DRAIN_TIMEOUT", 30, 0, 3600) * 1000,
    rollout: {
      batchSize: integer(env, "BERTH_DEPLOY_BATCHES", defaultDeploySettings.batchSize, 1, 999),
      timeoutMs: integer(env, "BERTH_DEPLOY_TIMEOUT", defaultDeploySettings.timeoutMs / 1000, 1, 86_400) * 1000,
      watchMs: integer(env, "BERTH_DEPLOY_WATCH", defaultDeploySettings.watchMs / 1000, 0, 3600) * 1000,
    },
    trustedProxies: (env.BERTH_TRUSTED_PROXIES ?? "")
      .split(",")
      .map((c) => c.trim())
      .filter((c) => c !== ""),
    logLevel: oneOf(env, "BERTH_LOG_LEVEL", ["debug", "info", "warn", "error"] as const, "info"),
    scheduler: oneOf(env, "BERTH_SCHEDULER", ["docker", "kubernetes", "none"] as const, "docker"),
    dockerHost: env.DOCKER_HOST || undefined,
    dockerNetwork: oneOf(env, "BERTH_DOCKER_NETWORK", ["auto", "bridge", "host"] as const, "auto"),
    kubernetes: {
      kubeconfig: env.KUBECONFIG || undefined,
      terminationGracePeriodSeconds: integer(env, "BERTH_K8S_GRACE_PERIOD", 30, 0, 3600),
      nodeSelector: labels(env, "BERTH_K8S_NODE_SELECTOR"),
      registryLogin: registryLogin(env),
    },
  };
}
