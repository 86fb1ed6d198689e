/** The core/v1 resources the simulator serves, with what the generic registry needs to know of each. */
export interface ResourceInfo {
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
  /** The name rule of pkg/apis/core/validation for this kind. */
  nameRule: "dns1123Label" | "dns1035Label" | "dns1123Subdomain";
  /** Kinds with a status the main resource ignores on create/update (api-conventions "Spec and Status"). */
  hasStatus: boolean;
  /** Whether DELETE answers with the object (true) or a Success Status. */
  deleteReturnsObject: boolean;
  subresources: string[];
}

const resource = (info: ResourceInfo): ResourceInfo => info;

export const resources: Record<string, ResourceInfo> = {
  namespaces: resource({
    plural: "namespaces",
    singular: "namespace",
    kind: "Namespace",
    namespaced: false,
    shortNames: ["ns"],
    nameRule: "dns1123Label",
    hasStatus: true,
    deleteReturnsObject: true,
    subresources: ["status", "finalize"],
  }),
  services: resource({
    plural: "services",
    singular: "service",
    kind: "Service",
    namespaced: true,
    shortNames: ["svc"],
    nameRule: "dns1035Label",
    hasStatus: true,
    deleteReturnsObject: true,
    subresources: ["status"],
  }),
  endpoints: resource({
    plural: "endpoints",
    singular: "endpoints",
    kind: "Endpoints",
    namespaced: true,
    shortNames: ["ep"],
    nameRule: "dns1123Subdomain",
    hasStatus: false,
    deleteReturnsObject: false,
    subresources: [],
  }),
  replicationcontrollers: resource({
    plural: "replicationcontrollers",
    singular: "replicationcontroller",
    kind: "ReplicationController",
    namespaced: true,
    shortNames: ["rc"],
    nameRule: "dns1123Subdomain",
    hasStatus: true,
    deleteReturnsObject: false,
    subresources: ["scale", "status"],
  }),
  pods: resource({
    plural: "pods",
    singular: "pod",
    kind: "Pod",
    namespaced: true,
    shortNames: ["po"],
    nameRule: "dns1123Subdomain",
    hasStatus: true,
    deleteReturnsObject: true,
    subresources: ["log", "status"],
  }),
  secrets: resource({
    plural: "secrets",
    singular: "secret",
    kind: "Secret",
    namespaced: true,
    shortNames: [],
    nameRule: "dns1123Subdomain",
    hasStatus: false,
    deleteReturnsObject: false,
    subresources: [],
  }),
  events: resource({
    plural: "events",
    singular: "event",
    kind: "Event",
    namespaced: true,
    shortNames: ["ev"],
    nameRule: "dns1123Subdomain",
    hasStatus: false,
    deleteReturnsObject: false,
    subresources: [],
  }),
};

export function resourceInfo(plural: string): ResourceInfo | undefined {
  return Object.hasOwn(resources, plural) ? resources[plural] : undefined;
}

/** Every namespaced resource, in the order a namespace's contents are removed. */
export const namespacedResources = ["replicationcontrollers", "services", "pods", "endpoints", "secrets", "events"] as const;
