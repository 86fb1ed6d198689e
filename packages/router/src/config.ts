import { join } from "node:path";
import { type Env, readSettings, routerSettings, routerTlsCheck } from "@berth/config";
import { type AccessLogSetting, accessLogFrom } from "./access-log.ts";

/** The stand-alone router's settings, from `BERTH_*` variables. */
export interface RouterConfig {
  host: string;
  port: number;
  adminHost: string;
  adminPort: number;
  domain: string;
  controllerUrl: string;
  builderUrl: string | undefined;
  routerKey: string;
  cacheFile: string;
  accessLog: AccessLogSetting;
  /** The HTTPS listener, when a certificate is given. */
  tls: { port: number; certFile: string; keyFile: string } | undefined;
}

/** Reads the stand-alone router's settings (`@berth/config`'s `routerSettings`); throws one ConfigError for every bad value. */
export function loadRouterConfig(env: Env = process.env): RouterConfig {
  const s = readSettings(routerSettings, env, [routerTlsCheck]);
  return {
    host: s.host,
    port: s.port,
    adminHost: s.adminHost,
    adminPort: s.adminPort,
    domain: s.domain,
    controllerUrl: s.controllerUrl,
    builderUrl: s.builderUrl,
    routerKey: s.routerKey,
    cacheFile: s.cacheFile ?? join(s.dataDir, "router", "routes.json"),
    accessLog: accessLogFrom(s),
    tls: s.tlsCert === undefined || s.tlsKey === undefined ? undefined : { port: s.tlsPort, certFile: s.tlsCert, keyFile: s.tlsKey },
  };
}
