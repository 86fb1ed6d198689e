import type { Readable } from "node:stream";
import type { Deleter } from "../deletion.ts";
import { hostPortAnnotation } from "../endpoints-controller.ts";
import { EventRecorder } from "../events.ts";
import type { Pod, Secret } from "../kinds/shapes.ts";
import type { LogRequest, PodLogSource } from "../pod-logs.ts";
import { timestamp } from "../meta.ts";
import type { Registry } from "../registry.ts";
import { badRequest } from "../status.ts";
import type { StoreEvent } from "../store.ts";
import { podStatus } from "./pod-status.ts";
import { type ContainerRecord, type PodHost, type PodRunner, type Runtime, waitingRecord } from "./runtime.ts";

export const nodeName = "kube-sim-node";
const hostIP = "127.0.0.1";

export interface KubeletDeps {
  registry: Registry;
  deleter: Deleter;
  runtime: Runtime;
  /** The scheduler's verdict: a message (e.g. "0/1 nodes are available: 1 Insufficient cpu.") keeps the pod unbound. */
  unschedulable: (pod: Pod) => string | undefined;
  /** Multiplies kubelet durations (probe delays and periods, back-offs); 1 is real time. */
  timeScale: number;
  onError: (error: unknown) => void;
}

interface Running {
  uid: string;
  runner: PodRunner | undefined;
  stopping: Promise<void> | undefined;
}

/**
 * One node: binds every pending pod to itself (the scheduler's part), runs bound pods through its
 * runtime, writes their status, and finishes graceful deletions by stopping the containers and
 * then removing the pod.
 */
export class Kubelet implements PodLogSource {
  readonly #deps: KubeletDeps;
  readonly #pods = new Map<string, Running>();
  readonly #binding = new Set<string>();
  readonly #unschedulable = new Set<string>();
  readonly #kubeletEvents: EventRecorder;
  readonly #schedulerEvents: EventRecorder;
  #unsubscribe: (() => void) | undefined;
  #closed = false;

  constructor(deps: KubeletDeps) {
    this.#deps = deps;
    this.#kubeletEvents = new EventRecorder(deps.registry, { component: "kubelet", host: nodeName });
    this.#schedulerEvents = new EventRecorder(deps.registry, { component: "default-scheduler" });
  }

  start(): void {
    this.#unsubscribe = this.#deps.registry.store.subscribe((event) => {
      if (event.resource === "pods") setImmediate(() => this.#observe(event));
    });
    for (const pod of this.#deps.registry.store.list("pods"))
      this.#observe({ type: "ADDED", resource: "pods", revision: 0, object: pod, previous: undefined });
  }

  async stop(): Promise<void> {
    this.#closed = true;
    this.#unsubscribe?.();
    await Promise.all([...this.#pods.values()].map((r) => r.stopping ?? r.runner?.stop(0)));
    await this.#deps.runtime.close();
  }

  async logs(pod: Pod, request: LogRequest): Promise<Readable> {
    const running = this.#pods.get(pod.metadata.uid!);
    if (!running?.runner)
      throw badRequest(`container "${request.container}" in pod "${pod.metadata.name}" is waiting to start: ContainerCreating`);
    return running.runner.logs(request);
  }

  #observe(event: StoreEvent): void {
    if (this.#closed) return;
    const pod = event.object as Pod;
    const uid = pod.metadata.uid!;
    const known = this.#pods.get(uid);
    if (event.type === "DELETED") {
      if (known && !known.stopping) this.#stopPod(pod, known, 0, false);
      return;
    }
    const current = this.#deps.registry.find("pods", pod.metadata.namespace, pod.metadata.name!) as Pod | undefined;
    if (!current || current.metadata.uid !== uid) return;
    if (!current.spec.nodeName) {
      if (!current.metadata.deletionTimestamp && !this.#binding.has(uid) && !this.#unschedulable.has(uid)) {
        this.#binding.add(uid);
        this.#bind(current)
          .catch(this.#deps.onError)
          .finally(() => this.#binding.delete(uid));
      }
      return;
    }
    if (current.spec.nodeName !== nodeName) return;
    if (current.metadata.deletionTimestamp) {
      const entry = known ?? { uid, runner: undefined, stopping: undefined };
      this.#pods.set(uid, entry);
      if (!entry.stopping) this.#stopPod(current, entry, current.metadata.deletionGracePeriodSeconds ?? 0, true);
      return;
    }
    if (!known && current.status.phase !== "Succeeded" && current.status.phase !== "Failed") this.#startPod(current);
  }

  /** The scheduler stand-in: every pod fits the one node. The runtime picks its address first. */
  async #bind(pod: Pod): Promise<void> {
    const refusal = this.#deps.unschedulable(pod);
    if (refusal !== undefined) {
      // Tried once: the scheduler stand-in does not retry, so the pod stays Pending.
      this.#unschedulable.add(pod.metadata.uid!);
      this.#schedulerEvents.record(pod, "Pod", { type: "Warning", reason: "FailedScheduling", message: refusal });
      const condition = {
        type: "PodScheduled",
        status: "False" as const,
        reason: "Unschedulable",
        message: refusal,
        lastProbeTime: null,
        lastTransitionTime: timestamp(),
      };
      this.#deps.registry.mutate(
        "pods",
        pod.metadata.namespace,
        pod.metadata.name!,
        (p) =>
          p.metadata.uid === pod.metadata.uid ? { ...p, status: { ...(p.status as Pod["status"]), conditions: [condition] } } : undefined,
        true,
      );
      return;
    }
    const address = await this.#deps.runtime.assignAddress(pod);
    // Binding goes through pods/binding in a real cluster, the one way spec.nodeName may change.
    const current = this.#deps.registry.find("pods", pod.metadata.namespace, pod.metadata.name!) as Pod | undefined;
    if (!current || current.metadata.uid !== pod.metadata.uid || current.spec.nodeName || current.metadata.deletionTimestamp) return;
    current.spec.nodeName = nodeName;
    if (address.hostPort)
      current.metadata.annotations = { ...current.metadata.annotations, [hostPortAnnotation]: String(address.hostPort) };
    const bound = this.#deps.registry.writeSystem("pods", current) as Pod;
    if (!bound) return;
    this.#schedulerEvents.record(bound, "Pod", {
      type: "Normal",
      reason: "Scheduled",
      message: `Successfully assigned ${bound.metadata.namespace}/${bound.metadata.name} to ${nodeName}`,
    });
    this.#writeStatus(
      bound,
      bound.spec.containers.map((c) => waitingRecord(c.name, c.image, "ContainerCreating")),
      address.podIP,
    );
  }

  #startPod(pod: Pod): void {
    const uid = pod.metadata.uid!;
    const entry: Running = { uid, runner: undefined, stopping: undefined };
    this.#pods.set(uid, entry);
    const records = new Map(pod.spec.containers.map((c) => [c.name, waitingRecord(c.name, c.image, "ContainerCreating")]));
    const podIP = pod.status.podIP ?? hostIP;
    const host: PodHost = {
      pod,
      podIP,
      update: (record: ContainerRecord) => {
        if (entry.stopping && !record.state.terminated) return;
        records.set(record.name, record);
        this.#writeStatus(pod, [...records.values()], podIP);
      },
      event: (options) =>
        this.#kubeletEvents.record(this.#deps.registry.find("pods", pod.metadata.namespace, pod.metadata.name!) ?? pod, "Pod", options),
      secret: (name) => this.#deps.registry.find("secrets", pod.metadata.namespace, name) as Secret | undefined,
      scaled: (seconds) => Math.max(0, Math.round(seconds * 1000 * this.#deps.timeScale)),
    };
    entry.runner = this.#deps.runtime.run(host);
  }

  #stopPod(pod: Pod, entry: Running, graceSeconds: number, finalize: boolean): void {
    entry.stopping = (async () => {
      try {
        await entry.runner?.stop(graceSeconds);
      } catch (error) {
        this.#deps.onError(error);
      }
      this.#pods.delete(entry.uid);
      const current = this.#deps.registry.find("pods", pod.metadata.namespace, pod.metadata.name!);
      if (finalize && current?.metadata.uid === entry.uid) this.#deps.deleter.finalize("pods", pod.metadata.namespace, pod.metadata.name!);
    })();
  }

  #writeStatus(pod: Pod, records: ContainerRecord[], podIP: string): void {
    this.#deps.registry.mutate(
      "pods",
      pod.metadata.namespace,
      pod.metadata.name!,
      (p) => (p.metadata.uid === pod.metadata.uid ? { ...p, status: podStatus(p as Pod, records, { podIP, hostIP }) } : undefined),
      true,
    );
  }
}
