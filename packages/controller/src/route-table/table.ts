import type { AppRoute, RouteTable } from "@berth/api";
import type { Store } from "../store/open.ts";
import { listAppIds } from "../store/apps.ts";
import { listDomains, listSettings } from "../store/routing.ts";
import type { UpstreamSource } from "./hub.ts";
import { settingsView } from "./settings.ts";

export interface RouteTableOptions {
  /** Apps answer at `<app>.<platformDomain>`. */
  platformDomain: string;
  /** CIDRs of proxies in front of the router whose X-Forwarded-For is trusted. */
  trustedProxies: string[];
}

/** The whole route table as it stands: every app, its hosts, settings and ready instances. */
export async function buildRouteTable(
  store: Store,
  upstreams: UpstreamSource,
  version: number,
  options: RouteTableOptions,
): Promise<RouteTable> {
  const [apps, domains, settings] = await Promise.all([listAppIds(store.db), listDomains(store.db), listSettings(store.db)]);
  const settingsOf = new Map(settings.map((row) => [row.app_id, row]));
  const routes: AppRoute[] = [];
  for (const id of apps) {
    const s = settingsView(id, settingsOf.get(id));
    const instances = await upstreams.upstreams(id);
    routes.push({
      app: id,
      hosts: [`${id}.${options.platformDomain}`, ...domains.filter((d) => d.app_id === id).map((d) => d.domain)],
      upstreams: instances.ready,
      draining: instances.draining,
      maintenance: s.maintenance,
      routable: s.routable,
      allowlist: s.allowlist,
      trustedProxies: options.trustedProxies,
      connectTimeoutMs: s.connectTimeout * 1000,
      readTimeoutMs: s.readTimeout * 1000,
    });
  }
  return { version, routes };
}
