import type { AppRoute, RouteTable } from "@berth/api";
import { type AddressSet, createAddressSet } from "./cidr.ts";
import type { RouterLogger } from "./logger.ts";
import type { AppMetrics, RouterMetrics } from "./metrics.ts";
import type { UpstreamPool } from "./upstream/pool.ts";
import type { UpstreamPools } from "./upstream-pools.ts";

export interface Upstream {
  readonly address: string;
  readonly pool: UpstreamPool;
}

/** One app as the hot path sees it: everything precomputed from its {@link AppRoute}. */
export interface AppTarget {
  readonly app: string;
  readonly route: AppRoute;
  /** Ready upstreams only; draining ones keep their pools (in-flight requests) but are never picked. */
  readonly upstreams: readonly Upstream[];
  /** Undefined when everyone is allowed. */
  readonly allow: AddressSet | undefined;
  readonly trusted: AddressSet | undefined;
  readonly metrics: AppMetrics;
  /** Round-robin cursor. */
  next: number;
}

/** Host (lowercase, no port) → app, for O(1) lookups. */
export type HostMap = Map<string, AppTarget>;

/** Compiles a route table into a host map and keeps only the pools it uses. */
export function compileHostMap(table: RouteTable, pools: UpstreamPools, metrics: RouterMetrics, logger: RouterLogger): HostMap {
  const map: HostMap = new Map();
  const routing = new Set<UpstreamPool>();
  const draining = new Set<UpstreamPool>();
  for (const route of table.routes) {
    const onInvalid = (error: Error) => logger.warn("ignored an invalid CIDR in a route", { app: route.app, error });
    const upstreams = route.upstreams.map((address) => ({ address, pool: pools.get(address, route.connectTimeoutMs) }));
    for (const u of upstreams) routing.add(u.pool);
    for (const address of route.draining) draining.add(pools.get(address, route.connectTimeoutMs));
    const target: AppTarget = {
      app: route.app,
      route,
      upstreams,
      allow: route.allowlist.length > 0 ? createAddressSet(route.allowlist, onInvalid) : undefined,
      trusted: route.trustedProxies.length > 0 ? createAddressSet(route.trustedProxies, onInvalid) : undefined,
      metrics: metrics.forApp(route.app),
      next: 0,
    };
    for (const host of route.hosts) {
      const key = normalizeHost(host);
      const other = map.get(key);
      if (other !== undefined) logger.warn("host claimed by two apps; the first wins", { host: key, app: other.app, other: route.app });
      else map.set(key, target);
    }
  }
  pools.update(routing, draining);
  return map;
}

/** `App.Example.com:8080` → `app.example.com`; `[::1]:80` → `[::1]`; a trailing dot is dropped. */
export function normalizeHost(value: string): string {
  let host: string;
  if (value.charCodeAt(0) === 91 /* [ */) {
    const close = value.indexOf("]");
    host = close === -1 ? value : value.slice(0, close + 1);
  } else {
    const colon = value.indexOf(":");
    host = colon === -1 ? value : value.slice(0, colon);
  }
  if (host.charCodeAt(host.length - 1) === 46 /* . */) host = host.slice(0, -1);
  return host.toLowerCase();
}
