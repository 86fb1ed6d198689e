/**
 * The route table the controller streams to the router (`GET /v2/routes`, authenticated with
 * `X-Berth-Router-Key`). `?watch=1` keeps the response open as NDJSON: one full {@link RouteTable} per
 * line, first the current one, then one on every change. `?since=<version>` resumes: the first line
 * comes only once the table's version is greater than `since`. Without `watch`, one JSON table.
 */
export interface RouteTable {
  /** Increases on every change; the router keeps the newest it has seen (and caches it on disk). */
  version: number;
  routes: AppRoute[];
}

export interface AppRoute {
  app: string;
  /** Host names without port, lowercase: `<app>.<domain>` and the app's custom domains. */
  hosts: string[];
  /** Ready instances to balance over: `host:port` (docker) or a Service address (kubernetes). */
  upstreams: string[];
  /** Instances leaving the group: they get no new requests; in-flight ones finish. */
  draining: string[];
  /** Serve a 503 maintenance page instead of proxying. */
  maintenance: boolean;
  /** When false the app answers 404 through the router (it is not routable). */
  routable: boolean;
  /** CIDRs allowed to reach the app; empty means everyone. */
  allowlist: string[];
  /** CIDRs of proxies whose X-Forwarded-For is trusted for the allow-list. */
  trustedProxies: string[];
  /** Upstream connect timeout in ms. */
  connectTimeoutMs: number;
  /** Upstream response timeout in ms (until the response headers). */
  readTimeoutMs: number;
}

/** Header that carries the secret shared between router and controller. */
export const ROUTER_KEY_HEADER = "x-berth-router-key";

/** Path of the route table stream. */
export const ROUTE_TABLE_PATH = "/v2/routes";
