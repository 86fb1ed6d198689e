import type { Pod } from "./kinds/shapes.ts";
import { timestamp } from "./meta.ts";
import { type ListOptions, type Registry, resourceOrThrow, withKind } from "./registry.ts";
import { KubeError, badRequest, conflict, notFound } from "./status.ts";
import type { KubeObject } from "./types.ts";

export interface DeleteOptions {
  gracePeriodSeconds?: number | undefined;
  propagationPolicy?: "Orphan" | "Background" | "Foreground" | undefined;
  preconditions?: { uid?: string; resourceVersion?: string } | undefined;
}

/** What DELETE answers: the object (pods, services, namespaces) or a Success Status. */
export type DeleteResult = { kind: "object"; object: KubeObject } | { kind: "status"; status: Record<string, unknown> };

const policies = ["Orphan", "Background", "Foreground"];

export function parseDeleteOptions(body: unknown, query: URLSearchParams): DeleteOptions {
  const options: DeleteOptions = {};
  const fromBody = body !== null && typeof body === "object" ? (body as Record<string, unknown>) : {};
  const grace = query.get("gracePeriodSeconds") ?? fromBody.gracePeriodSeconds;
  if (grace !== undefined && grace !== null) {
    const n = Number(grace);
    if (!Number.isInteger(n)) throw badRequest(`invalid gracePeriodSeconds "${String(grace)}"`);
    options.gracePeriodSeconds = n;
  }
  const policy = query.get("propagationPolicy") ?? fromBody.propagationPolicy;
  if (policy !== undefined && policy !== null) {
    if (!policies.includes(String(policy)))
      throw badRequest(`unsupported propagationPolicy "${String(policy)}": one of Orphan, Background, Foreground`);
    options.propagationPolicy = policy as DeleteOptions["propagationPolicy"];
  }
  if (fromBody.preconditions && typeof fromBody.preconditions === "object")
    options.preconditions = fromBody.preconditions as DeleteOptions["preconditions"];
  return options;
}

function successStatus(plural: string, obj: KubeObject): Record<string, unknown> {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Success",
    details: { name: obj.metadata.name, kind: plural, uid: obj.metadata.uid },
  };
}

/**
 * DELETE as the generic registry store and the garbage collector do it for the kinds here:
 * scheduled pods and namespaces go gracefully (deletionTimestamp first, removal later by the kubelet
 * or the namespace controller); an RC orphans its pods unless told to propagate.
 */
export class Deleter {
  readonly #registry: Registry;

  constructor(registry: Registry) {
    this.#registry = registry;
  }

  delete(plural: string, namespace: string | undefined, name: string, options: DeleteOptions = {}): DeleteResult {
    const info = resourceOrThrow(plural);
    const current = this.#registry.find(plural, namespace, name);
    if (!current) throw notFound(info.plural, name);
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== current.metadata.uid) {
      throw conflict(
        info.plural,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`,
      );
    }
    if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(
        info.plural,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
      );
    }
    if (plural === "namespaces") return { kind: "object", object: withKind(info, this.#terminateNamespace(current)) };
    if (plural === "pods") {
      const pod = current as Pod;
      const grace = options.gracePeriodSeconds ?? pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
      if (pod.spec.nodeName && grace > 0) return { kind: "object", object: withKind(info, this.#markPod(pod, grace)) };
    }
    if (plural === "replicationcontrollers") this.#propagate(current, options.propagationPolicy ?? "Orphan");
    const gone = this.#registry.store.remove(plural, namespace, name)!;
    return info.deleteReturnsObject
      ? { kind: "object", object: withKind(info, gone) }
      : { kind: "status", status: successStatus(plural, gone) };
  }

  deleteCollection(plural: string, namespace: string | undefined, list: ListOptions, options: DeleteOptions = {}): void {
    for (const item of this.#registry.list(plural, namespace, list).items) {
      try {
        this.delete(plural, item.metadata.namespace, item.metadata.name!, options);
      } catch (error) {
        if (!(error instanceof KubeError && error.code === 404)) throw error;
      }
    }
  }

  /** Removes an object now, whatever its grace: the kubelet's and namespace controller's last step. */
  finalize(plural: string, namespace: string | undefined, name: string): void {
    this.#registry.store.remove(plural, namespace, name);
  }

  #markPod(pod: Pod, grace: number): KubeObject {
    const at = pod.metadata.deletionTimestamp;
    // A second DELETE may shorten the grace period, never lengthen it.
    if (at && (pod.metadata.deletionGracePeriodSeconds ?? 0) <= grace) return pod;
    pod.metadata.deletionTimestamp = timestamp(new Date(Date.now() + grace * 1000));
    pod.metadata.deletionGracePeriodSeconds = grace;
    return this.#registry.writeSystem("pods", pod);
  }

  #terminateNamespace(ns: KubeObject): KubeObject {
    if (ns.metadata.deletionTimestamp) {
      throw conflict(
        "namespaces",
        ns.metadata.name!,
        "The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.",
      );
    }
    ns.metadata.deletionTimestamp = timestamp();
    ns.status = { phase: "Terminating" };
    return this.#registry.writeSystem("namespaces", ns);
  }

  /** The garbage collector's part for RC → pods: orphan (drop the controller reference) or delete. */
  #propagate(rc: KubeObject, policy: NonNullable<DeleteOptions["propagationPolicy"]>): void {
    const ns = rc.metadata.namespace;
    for (const pod of this.#registry.store.list("pods", ns)) {
      if (!pod.metadata.ownerReferences?.some((ref) => ref.uid === rc.metadata.uid)) continue;
      if (policy === "Orphan") {
        pod.metadata.ownerReferences = pod.metadata.ownerReferences.filter((ref) => ref.uid !== rc.metadata.uid);
        if (pod.metadata.ownerReferences.length === 0) delete pod.metadata.ownerReferences;
        this.#registry.writeSystem("pods", pod);
      } else this.delete("pods", ns, pod.metadata.name!);
    }
  }
}
