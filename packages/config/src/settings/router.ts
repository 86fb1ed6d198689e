import { httpUrl, path, port, text } from "../kinds.ts";
import type { ConfigProblem } from "../error.ts";
import { optional, required, setting } from "../setting.ts";
import { controllerUrl, dataDir, domain, routerAccessLog, routerAccessLogMaxMb } from "./shared.ts";

/** The router's access log, read by the stand-alone router and the platform alike. */
export const accessLogSettings = { accessLog: routerAccessLog, accessLogMaxMb: routerAccessLogMaxMb };

/** The stand-alone router (`node packages/router/src/main.ts`). */
export const routerSettings = {
  routerKey: required({
    env: "BERTH_ROUTER_KEY",
    kind: text(),
    meaning: "secret shared with the controller (`X-Berth-Router-Key`); the platform sets both for you",
  }),
  controllerUrl,
  builderUrl: optional({
    env: "BERTH_BUILDER_URL",
    kind: httpUrl(),
    shown: "—",
    meaning:
      "the builder's URL: the router sends git requests for `berth.<domain>` there, and the rest of that host to `BERTH_CONTROLLER_URL`",
  }),
  host: setting({ env: "BERTH_ROUTER_HOST", kind: text(), default: "0.0.0.0", meaning: "interface of the proxy listener" }),
  port: setting({ env: "BERTH_ROUTER_PORT", kind: port(), default: 8080, meaning: "port of the proxy listener" }),
  adminHost: setting({
    env: "BERTH_ROUTER_ADMIN_HOST",
    kind: text(),
    default: "127.0.0.1",
    meaning: "interface of `/healthz` and `/metrics`",
  }),
  adminPort: setting({ env: "BERTH_ROUTER_ADMIN_PORT", kind: port(), default: 9090, meaning: "port of `/healthz` and `/metrics`" }),
  tlsPort: setting({
    env: "BERTH_ROUTER_TLS_PORT",
    kind: port(),
    default: 8443,
    meaning: "port of the HTTPS listener, opened when a certificate is given",
  }),
  tlsCert: optional({
    env: "BERTH_ROUTER_TLS_CERT",
    kind: path(),
    shown: "—",
    meaning:
      "PEM file of the certificate (and its chain) the HTTPS listener presents for every host: the platform's, for `*.<domain>`; read again when it changes",
  }),
  tlsKey: optional({
    env: "BERTH_ROUTER_TLS_KEY",
    kind: path(),
    shown: "—",
    meaning: "PEM file of that certificate's private key",
  }),
  domain,
  dataDir,
  cacheFile: optional({
    env: "BERTH_ROUTER_CACHE_FILE",
    kind: path(),
    shown: "`<data dir>/router/routes.json`",
    meaning: "where the router keeps its last route table, to serve from while the controller is down",
  }),
  ...accessLogSettings,
};

/** A certificate needs its key, and a key its certificate. */
export function routerTlsCheck(values: { tlsCert?: string | undefined; tlsKey?: string | undefined }): ConfigProblem[] {
  if ((values.tlsCert === undefined) === (values.tlsKey === undefined)) return [];
  return [
    {
      variable: values.tlsCert === undefined ? "BERTH_ROUTER_TLS_CERT" : "BERTH_ROUTER_TLS_KEY",
      value: undefined,
      allowed: "",
      message: "BERTH_ROUTER_TLS_CERT and BERTH_ROUTER_TLS_KEY go together — set both to serve HTTPS, or neither for HTTP only",
    },
  ];
}
