import { groupName } from "../names.ts";
import type { GroupRef } from "../types.ts";

/** Every Kubernetes object name Berth uses, in one place (Deis Workflow's naming). */
export const objectName = {
  /** One namespace per app, named like the app. */
  namespace: (app: string): string => app,
  /** `myapp-v3-web`: one ReplicationController per release × process type. */
  replicationController: (group: GroupRef): string => groupName(group),
  /** `myapp-web`: one Service per routable process type, across releases. */
  service: (app: string, type: string): string => `${app}-${type}`,
  /** `myapp-v3-env`: the release's environment, referenced by its pods and never inlined. */
  envSecret: (app: string, release: number): string => `${app}-v${release}-env`,
  /** The image pull secret Berth copies into every app namespace when a registry login is configured. */
  pullSecret: "berth-registry",
} as const;

/** The port every Service listens on; the router reaches `<ClusterIP>:80`. */
export const SERVICE_PORT = 80;

/** The container port an instance listens on unless its config sets `PORT`. */
export const DEFAULT_CONTAINER_PORT = 5000;

/**
 * `10.96.4.7:80` (`[fd00::4]:80`): where kube-proxy balances a process type's ready pods, from any
 * node or pod, without cluster DNS. The ClusterIP is fixed for the Service's life.
 */
export function serviceAddress(clusterIP: string): string {
  return `${clusterIP.includes(":") ? `[${clusterIP}]` : clusterIP}:${SERVICE_PORT}`;
}
