import type { ReplicationController } from "./kinds/shapes.ts";
import { formatSelectorMap } from "./label-selector.ts";
import { type PatchType, applyPatch } from "./patch.ts";
import type { Registry } from "./registry.ts";
import { badRequest, conflict, invalid, notFound } from "./status.ts";
import type { KubeObject } from "./types.ts";

/** autoscaling/v1 Scale over an RC (…/replicationcontroller/storage/storage.go `scaleFromRC`). */
export function scaleOf(rc: ReplicationController): KubeObject {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = rc.metadata;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp } as KubeObject["metadata"],
    spec: { replicas: rc.spec.replicas ?? 0 },
    status: { replicas: rc.status?.replicas ?? 0, selector: formatSelectorMap(rc.spec.selector ?? {}) },
  };
}

function currentRc(registry: Registry, namespace: string, name: string): ReplicationController {
  const rc = registry.find("replicationcontrollers", namespace, name);
  if (!rc) throw notFound("replicationcontrollers", name);
  return rc as ReplicationController;
}

export function getScale(registry: Registry, namespace: string, name: string): KubeObject {
  return scaleOf(currentRc(registry, namespace, name));
}

/** PUT …/scale: only `spec.replicas` is applied; a stale resourceVersion is a 409, an empty one is unconditional. */
export function replaceScale(registry: Registry, namespace: string, name: string, body: unknown): KubeObject {
  if (body === null || typeof body !== "object") throw badRequest("the body of a Scale must be a JSON object");
  const scale = body as { metadata?: { name?: string; resourceVersion?: string }; spec?: { replicas?: unknown } };
  const rc = currentRc(registry, namespace, name);
  if (scale.metadata?.name !== undefined && scale.metadata.name !== name) {
    throw badRequest(`the name of the object (${scale.metadata.name}) does not match the name on the URL (${name})`);
  }
  const rv = scale.metadata?.resourceVersion;
  if (rv && rv !== rc.metadata.resourceVersion) throw conflict("replicationcontrollers", name);
  const replicas = scale.spec?.replicas ?? 0;
  if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
    throw invalid("Scale.autoscaling", name, [
      { field: "spec.replicas", type: "Invalid value", value: replicas, detail: "must be greater than or equal to 0" },
    ]);
  }
  rc.spec.replicas = replicas;
  const updated = registry.replace("replicationcontrollers", namespace, name, rc);
  return scaleOf(updated as ReplicationController);
}

export function patchScale(registry: Registry, namespace: string, name: string, type: PatchType, patch: unknown): KubeObject {
  const patched = applyPatch(type, getScale(registry, namespace, name), patch);
  return replaceScale(registry, namespace, name, patched);
}
