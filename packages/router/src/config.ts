import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { AccessLogConfigError, type AccessLogSetting, accessLogSetting } from "./access-log.ts";

/** The stand-alone router's settings, from `BERTH_*` variables. */
export interface RouterConfig {
  host: string;
  port: number;
  adminHost: string;
  adminPort: number;
  domain: string;
  controllerUrl: string;
  routerKey: string;
  cacheFile: string;
  accessLog: AccessLogSetting;
}

type Env = Record<string, string | undefined>;

/** A setting that cannot be used; the message says which variable and what to put there. */
export class RouterConfigError extends Error {
  override name = "RouterConfigError";
}

function port(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new RouterConfigError(`${name}=${raw} is not a port number — use 1-65535, or 0 for any free port`);
  }
  return value;
}

export function loadRouterConfig(env: Env = process.env): RouterConfig {
  const routerKey = env.BERTH_ROUTER_KEY ?? "";
  if (routerKey === "") {
    throw new RouterConfigError("BERTH_ROUTER_KEY is not set — set it to the controller's router key (the platform sets both for you)");
  }
  const controllerUrl = env.BERTH_CONTROLLER_URL || "http://127.0.0.1:8000";
  if (!URL.canParse(controllerUrl) || !/^https?:$/.test(new URL(controllerUrl).protocol)) {
    throw new RouterConfigError(`BERTH_CONTROLLER_URL=${controllerUrl} is not an http(s) URL — e.g. http://127.0.0.1:8000`);
  }
  let accessLog: AccessLogSetting;
  try {
    accessLog = accessLogSetting(env);
  } catch (error) {
    if (error instanceof AccessLogConfigError) throw new RouterConfigError(error.message);
    throw error;
  }
  const dataDir = resolve(env.BERTH_DATA_DIR || join(homedir(), ".berth", "data"));
  return {
    host: env.BERTH_ROUTER_HOST || "0.0.0.0",
    port: port(env, "BERTH_ROUTER_PORT", 8080),
    adminHost: env.BERTH_ROUTER_ADMIN_HOST || "127.0.0.1",
    adminPort: port(env, "BERTH_ROUTER_ADMIN_PORT", 9090),
    domain: env.BERTH_DOMAIN || "localhost",
    controllerUrl,
    routerKey,
    cacheFile: env.BERTH_ROUTER_CACHE_FILE || join(dataDir, "router", "routes.json"),
    accessLog,
  };
}
