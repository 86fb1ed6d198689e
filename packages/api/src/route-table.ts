/**
 * The route table the controller streams to the router (`GET /v2/routes`, authenticated with
 * `X-Berth-Router-Key`). `?watch=1` keeps the response open as NDJSON: one full {@link RouteTable} per
 * line, first the current one, then one on every change. `?since=<version>` resumes: the first line
 * comes only once the table's version is greater than `since`. Without `watch`, one JSON table.
 * A watch sends an empty line every {@link ROUTE_STREAM_HEARTBEAT_MS} while nothing changes, so a
 * router can tell a quiet stream from a dead one.
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

/** How often a quiet route table stream sends an empty line. */
export const ROUTE_STREAM_HEARTBEAT_MS = 10_000;

/** Where routers report what they route (`POST`, with `X-Berth-Router-Key`, a {@link RouterStatus}). */
export const ROUTER_STATUS_PATH = "/v2/routes/status";

/** How often a router reports even when nothing changed; the controller forgets a router silent for three times this. */
export const ROUTER_STATUS_INTERVAL_MS = 5_000;

/**
 * What one router routes right now. The controller stops an instance that leaves a rollout only once
 * every live router has reported, after the instance was taken out of the table, that it no longer
 * sends the instance requests and has none in flight there.
 */
export interface RouterStatus {
  /** Names the router process; stable for its lifetime (a pod name, or host and pid). */
  router: string;
  /** Version of the route table it serves. */
  version: number;
  /** Every upstream address it may pick for a new request. */
  routing: string[];
  /** Requests in flight per upstream address it no longer picks (draining or gone); absent when none. */
  busy: Record<string, number>;
}
