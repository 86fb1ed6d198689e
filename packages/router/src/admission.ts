import { clientAddress } from "./cidr.ts";
import type { AppTarget } from "./host-map.ts";
import { type Page, pages } from "./pages.ts";

/**
 * Whether a request may go to the app, in the order an operator expects: not routable (404) before
 * maintenance (503) before the allow-list (403) before "no instances" (503). Undefined means proxy it.
 */
export function refusal(target: AppTarget, peer: string, forwardedFor: string | undefined): Page | undefined {
  const route = target.route;
  if (!route.routable) return pages.notRoutable(target.app);
  if (route.maintenance) return pages.maintenance(target.app);
  if (target.allow !== undefined) {
    const client = clientAddress(peer, forwardedFor, target.trusted);
    if (!target.allow.has(client)) return pages.forbidden(target.app, client);
  }
  if (target.upstreams.length === 0) return pages.noInstances(target.app);
  return undefined;
}
