import type { Namespace } from "./shapes.ts";

/** SetDefaults_Namespace: the `kubernetes` finalizer, phase Active, and the name label. */
export function prepareNamespaceCreate(ns: Namespace): void {
  ns.spec = { finalizers: ["kubernetes"] };
  ns.status = { phase: "Active" };
  ns.metadata.labels = { ...ns.metadata.labels, "kubernetes.io/metadata.name": ns.metadata.name! };
}
