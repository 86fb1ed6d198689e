import type { Pod } from "@berth/api";
import { isRoutable } from "../domain/procfile.ts";
import type { Upstreams } from "../route-table/hub.ts";
import type { Group, Instance } from "../scheduler/types.ts";

/** The app's instances as `GET /v2/apps/:id/pods` shows them, by process type and number. */
export function podsOf(groups: readonly Group[]): Pod[] {
  return groups
    .flatMap((g) => g.instances)
    .sort((a, b) => a.type.localeCompare(b.type) || a.index - b.index)
    .map((i) => ({
      name: i.name,
      type: i.type,
      release: `v${i.release}`,
      state: i.state,
      ready: i.ready,
      started: i.started,
      restarts: i.restarts,
    }));
}

/**
 * Where the router sends an app's requests: its ready routable instances, minus those being drained
 * (listed apart); or, given the engine's Service addresses (Kubernetes), each routable type's address
 * once a pod of it is ready.
 */
export function upstreamsOf(
  groups: readonly Group[],
  draining: ReadonlySet<string>,
  services: ReadonlyMap<string, string> | undefined,
): Upstreams {
  const routable = groups.filter((g) => isRoutable(g.type));
  if (services !== undefined) {
    // The engine balances and drains behind one address per type: route there once a pod is ready.
    const types = new Set(routable.filter((g) => g.instances.some((i) => i.ready)).map((g) => g.type));
    return { ready: [...types].sort().flatMap((type) => services.get(type) ?? []), draining: [] };
  }
  const instances = routable.flatMap((g) => g.instances);
  const address = (i: Instance) => i.address ?? "";
  return {
    ready: instances.filter((i) => i.ready && i.address !== null && !draining.has(i.name)).map(address),
    draining: instances.filter((i) => i.address !== null && draining.has(i.name)).map(address),
  };
}
