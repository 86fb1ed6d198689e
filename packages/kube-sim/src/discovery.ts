import { resources } from "./resources.ts";

/** The legacy discovery documents kubectl and `KubernetesObjectApi` read (client-go discovery_client.go). */
export function versionInfo(): Record<string, string> {
  return {
    major: "1",
    minor: "35",
    gitVersion: "v1.35.0-berth-kube-sim",
    gitCommit: "0000000000000000000000000000000000000000",
    gitTreeState: "clean",
    buildDate: "2026-01-01T00:00:00Z",
    goVersion: "go1.25",
    compiler: "gc",
    platform: "linux/amd64",
  };
}

export function apiVersions(address: string): Record<string, unknown> {
  return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: address }] };
}

export function apiGroupList(): Record<string, unknown> {
  return { kind: "APIGroupList", apiVersion: "v1", groups: [] };
}

const verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

export function coreResourceList(): Record<string, unknown> {
  const list: Record<string, unknown>[] = [];
  for (const r of Object.values(resources)) {
    const entry: Record<string, unknown> = { name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs };
    if (r.shortNames.length > 0) entry.shortNames = r.shortNames;
    list.push(entry);
    for (const sub of r.subresources) {
      if (sub === "log") list.push({ name: `${r.plural}/log`, singularName: "", namespaced: true, kind: "Pod", verbs: ["get"] });
      else if (sub === "scale") {
        list.push({
          name: `${r.plural}/scale`,
          singularName: "",
          namespaced: true,
          group: "autoscaling",
          version: "v1",
          kind: "Scale",
          verbs: ["get", "patch", "update"],
        });
      } else
        list.push({
          name: `${r.plural}/${sub}`,
          singularName: "",
          namespaced: r.namespaced,
          kind: r.kind,
          verbs: ["get", "patch", "update"],
        });
    }
  }
  return { kind: "APIResourceList", groupVersion: "v1", resources: list };
}
