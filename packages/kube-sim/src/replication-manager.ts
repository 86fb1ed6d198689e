import type { Deleter } from "./deletion.ts";
import { EventRecorder } from "./events.ts";
import {
  type Condition,
  type Pod,
  type ReplicationController,
  type ReplicationControllerStatus,
  isPodActive,
  isPodReady,
} from "./kinds/shapes.ts";
import { matchesLabels, selectorFromMap } from "./label-selector.ts";
import { sameJson, timestamp } from "./meta.ts";
import type { Registry } from "./registry.ts";
import { KubeError } from "./status.ts";
import type { KubeObject, OwnerReference } from "./types.ts";
import { WorkQueue, namespacedKey, splitKey } from "./work-queue.ts";
import { scaleDownOrder } from "./scale-down-order.ts";

const controllerRef = (obj: KubeObject): OwnerReference | undefined => obj.metadata.ownerReferences?.find((r) => r.controller === true);

/** Slow start: 1, 2, 4, … pods per batch, at most 500 per sync (controller_utils.go). */
const maxCreatesPerSync = 500;

export interface ReplicationManagerDeps {
  registry: Registry;
  deleter: Deleter;
  onError: (error: unknown) => void;
}

/**
 * The replication manager (pkg/controller/replication): keeps each RC's active owned pods at
 * `spec.replicas`, adopts matching orphans, releases pods whose labels stop matching, and writes the
 * RC's status counts, observedGeneration and ReplicaFailure condition.
 */
export class ReplicationManager {
  readonly #registry: Registry;
  readonly #deleter: Deleter;
  readonly #events: EventRecorder;
  readonly #queue: WorkQueue;
  #unsubscribe: (() => void) | undefined;

  constructor(deps: ReplicationManagerDeps) {
    this.#registry = deps.registry;
    this.#deleter = deps.deleter;
    this.#events = new EventRecorder(deps.registry, { component: "replication-controller" });
    this.#queue = new WorkQueue(
      (key) => this.#sync(key),
      (_key, error) => deps.onError(error),
    );
  }

  start(): void {
    this.#unsubscribe = this.#registry.store.subscribe((event) => {
      const ns = event.object.metadata.namespace;
      if (event.resource === "replicationcontrollers") this.#queue.add(namespacedKey(ns, event.object.metadata.name!));
      if (event.resource === "pods") {
        for (const rc of this.#registry.store.list("replicationcontrollers", ns)) this.#queue.add(namespacedKey(ns, rc.metadata.name!));
      }
    });
    for (const rc of this.#registry.store.list("replicationcontrollers"))
      this.#queue.add(namespacedKey(rc.metadata.namespace, rc.metadata.name!));
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    await this.#queue.stop();
  }

  #sync(key: string): void {
    const [ns, name] = splitKey(key);
    const rc = this.#registry.find("replicationcontrollers", ns, name) as ReplicationController | undefined;
    if (!rc) return;
    const failure = this.#manage(rc, this.#claimPods(rc));
    this.#writeStatus(rc, failure, key);
  }

  /** Adoption and release, as ClaimPods does; returns the pods this RC controls. */
  #claimPods(rc: ReplicationController): Pod[] {
    const ns = rc.metadata.namespace!;
    const selector = selectorFromMap(rc.spec.selector ?? {});
    const owned: Pod[] = [];
    for (const pod of this.#registry.store.list("pods", ns) as Pod[]) {
      const ref = controllerRef(pod);
      const matches = matchesLabels(pod.metadata.labels, selector);
      if (ref && ref.uid !== rc.metadata.uid) continue;
      if (ref && !matches) {
        this.#registry.mutate("pods", ns, pod.metadata.name!, (p) => ({
          ...p,
          metadata: { ...p.metadata, ownerReferences: p.metadata.ownerReferences?.filter((r) => r.uid !== rc.metadata.uid) ?? [] },
        }));
      } else if (!ref && matches && !pod.metadata.deletionTimestamp && !rc.metadata.deletionTimestamp) {
        const adopted = this.#registry.mutate("pods", ns, pod.metadata.name!, (p) => ({
          ...p,
          metadata: { ...p.metadata, ownerReferences: [...(p.metadata.ownerReferences ?? []), this.#ownerRef(rc)] },
        }));
        if (adopted) owned.push(adopted as Pod);
      } else if (ref) owned.push(pod);
    }
    return owned;
  }

  #ownerRef(rc: ReplicationController): OwnerReference {
    return {
      apiVersion: "v1",
      kind: "ReplicationController",
      name: rc.metadata.name!,
      uid: rc.metadata.uid!,
      controller: true,
      blockOwnerDeletion: true,
    };
  }

  /** Creates or deletes pods toward `spec.replicas`; returns the ReplicaFailure condition to report, if any. */
  #manage(rc: ReplicationController, owned: Pod[]): Condition | undefined {
    if (rc.metadata.deletionTimestamp) return undefined;
    const ns = rc.metadata.namespace!;
    const active = owned.filter(isPodActive);
    const diff = active.length - (rc.spec.replicas ?? 0);
    if (diff < 0) {
      let remaining = Math.min(-diff, maxCreatesPerSync);
      for (let batch = 1; remaining > 0; batch *= 2) {
        for (let i = 0; i < Math.min(batch, remaining); i++) {
          try {
            const pod = this.#registry.create("pods", ns, this.#podFor(rc));
            this.#events.record(rc, "ReplicationController", {
              type: "Normal",
              reason: "SuccessfulCreate",
              message: `Created pod: ${pod.metadata.name}`,
            });
          } catch (error) {
            if (!(error instanceof KubeError)) throw error;
            this.#events.record(rc, "ReplicationController", {
              type: "Warning",
              reason: "FailedCreate",
              message: `Error creating: ${error.message}`,
            });
            return {
              type: "ReplicaFailure",
              status: "True",
              reason: "FailedCreate",
              message: error.message,
              lastTransitionTime: timestamp(),
            };
          }
        }
        remaining -= Math.min(batch, remaining);
      }
    } else if (diff > 0) {
      for (const pod of scaleDownOrder(active).slice(0, diff)) {
        try {
          this.#deleter.delete("pods", ns, pod.metadata.name!);
          this.#events.record(rc, "ReplicationController", {
            type: "Normal",
            reason: "SuccessfulDelete",
            message: `Deleted pod: ${pod.metadata.name}`,
          });
        } catch (error) {
          if (!(error instanceof KubeError)) throw error;
          if (error.code === 404) continue;
          this.#events.record(rc, "ReplicationController", {
            type: "Warning",
            reason: "FailedDelete",
            message: `Error deleting: ${error.message}`,
          });
          return {
            type: "ReplicaFailure",
            status: "True",
            reason: "FailedDelete",
            message: error.message,
            lastTransitionTime: timestamp(),
          };
        }
      }
    }
    return undefined;
  }

  #podFor(rc: ReplicationController): KubeObject {
    const template = structuredClone(rc.spec.template!);
    const metadata: KubeObject["metadata"] = { generateName: `${rc.metadata.name}-`, ownerReferences: [this.#ownerRef(rc)] };
    if (template.metadata?.labels) metadata.labels = template.metadata.labels;
    if (template.metadata?.annotations) metadata.annotations = template.metadata.annotations;
    if (template.metadata?.finalizers) metadata.finalizers = template.metadata.finalizers;
    return { metadata, spec: template.spec };
  }

  /** calculateStatus: counts over the pods as they are now; available = Ready for minReadySeconds. */
  #writeStatus(rc: ReplicationController, failure: Condition | undefined, key: string): void {
    const ns = rc.metadata.namespace!;
    const pods = (this.#registry.store.list("pods", ns) as Pod[]).filter(
      (p) => controllerRef(p)?.uid === rc.metadata.uid && isPodActive(p),
    );
    const templateLabels = selectorFromMap(rc.spec.template?.metadata?.labels ?? {});
    const minReady = (rc.spec.minReadySeconds ?? 0) * 1000;
    let available = 0;
    let recheckIn = 0;
    for (const pod of pods.filter(isPodReady)) {
      const since = Date.parse(pod.status.conditions?.find((c) => c.type === "Ready")?.lastTransitionTime ?? "") || 0;
      const wait = since + minReady - Date.now();
      if (minReady === 0 || wait <= 0) available++;
      else recheckIn = recheckIn === 0 ? wait : Math.min(recheckIn, wait);
    }
    if (recheckIn > 0) this.#queue.add(key, recheckIn + 10);
    const status: ReplicationControllerStatus = {
      replicas: pods.length,
      fullyLabeledReplicas: pods.filter((p) => matchesLabels(p.metadata.labels, templateLabels)).length,
      readyReplicas: pods.filter(isPodReady).length,
      availableReplicas: available,
      observedGeneration: rc.metadata.generation ?? 1,
    };
    const previous = rc.status?.conditions?.find((c) => c.type === "ReplicaFailure");
    if (failure) status.conditions = [previous && previous.reason === failure.reason ? previous : failure];
    const current = { ...rc.status };
    if (sameJson(current, status)) return;
    this.#registry.mutate("replicationcontrollers", ns, rc.metadata.name!, (obj) => ({ ...obj, status }), true);
  }
}
