import { type EndpointAddress, type EndpointSubset, type Pod, type Service, isPodReady } from "./kinds/shapes.ts";
import { matchesLabels, selectorFromMap } from "./label-selector.ts";
import { sameJson } from "./meta.ts";
import type { Registry } from "./registry.ts";
import type { KubeObject } from "./types.ts";
import { WorkQueue, namespacedKey, splitKey } from "./work-queue.ts";

/**
 * Pods reachable only on a port other than the one they declare (the kubelet stand-in on Docker runs
 * them on the host network, each on its own `PORT`) carry it in this annotation; every resolved target
 * port of such a pod becomes that port.
 */
export const hostPortAnnotation = "kube-sim.berth.dev/host-port";

type Port = { name?: string; port: number; protocol: string };

/** The service ports a pod serves, with named target ports resolved against its containers. */
function portsFor(svc: Service, pod: Pod): Port[] | undefined {
  const hostPort = pod.metadata.annotations?.[hostPortAnnotation];
  const ports: Port[] = [];
  for (const sp of svc.spec.ports ?? []) {
    let target = sp.targetPort ?? sp.port;
    if (typeof target === "string") {
      const named = pod.spec.containers.flatMap((c) => c.ports ?? []).find((p) => p.name === target);
      if (!named) continue;
      target = named.containerPort;
    }
    const port: Port = { port: hostPort ? Number(hostPort) : target, protocol: sp.protocol ?? "TCP" };
    if (sp.name) port.name = sp.name;
    ports.push(port);
  }
  return ports.length > 0 ? ports : undefined;
}

function address(pod: Pod): EndpointAddress {
  const a: EndpointAddress = {
    ip: pod.status.podIP!,
    targetRef: { kind: "Pod", namespace: pod.metadata.namespace!, name: pod.metadata.name!, uid: pod.metadata.uid! },
  };
  if (pod.spec.nodeName) a.nodeName = pod.spec.nodeName;
  return a;
}

/** The endpoints controller: one Endpoints per selector-bearing Service, Ready pods in `addresses`. */
export class EndpointsController {
  readonly #registry: Registry;
  readonly #queue: WorkQueue;
  #unsubscribe: (() => void) | undefined;

  constructor(registry: Registry, onError: (error: unknown) => void) {
    this.#registry = registry;
    this.#queue = new WorkQueue(
      (key) => this.#sync(key),
      (_key, error) => onError(error),
    );
  }

  start(): void {
    this.#unsubscribe = this.#registry.store.subscribe((event) => {
      const ns = event.object.metadata.namespace;
      if (event.resource === "services") this.#queue.add(namespacedKey(ns, event.object.metadata.name!));
      if (event.resource === "pods") {
        for (const svc of this.#registry.store.list("services", ns)) this.#queue.add(namespacedKey(ns, svc.metadata.name!));
      }
    });
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    await this.#queue.stop();
  }

  #sync(key: string): void {
    const [ns, name] = splitKey(key);
    const svc = this.#registry.find("services", ns, name) as Service | undefined;
    const existing = this.#registry.find("endpoints", ns, name);
    if (!svc || svc.metadata.deletionTimestamp) {
      if (existing) this.#registry.store.remove("endpoints", ns, name);
      return;
    }
    if (!svc.spec.selector || Object.keys(svc.spec.selector).length === 0) return;
    const subsets = this.#subsets(svc);
    const labels = svc.metadata.labels;
    if (!existing) {
      const body: KubeObject = { metadata: labels ? { name, labels } : { name }, subsets };
      this.#registry.create("endpoints", ns, body);
    } else if (!sameJson(existing.subsets ?? [], subsets) || !sameJson(existing.metadata.labels, labels)) {
      this.#registry.mutate("endpoints", ns, name, (ep) => ({ ...ep, metadata: { ...ep.metadata, labels: labels ?? {} }, subsets }));
    }
  }

  #subsets(svc: Service): EndpointSubset[] {
    const selector = selectorFromMap(svc.spec.selector ?? {});
    const groups = new Map<string, EndpointSubset>();
    const pods = (this.#registry.store.list("pods", svc.metadata.namespace) as Pod[]).filter(
      (p) =>
        matchesLabels(p.metadata.labels, selector) &&
        p.status.podIP &&
        !p.metadata.deletionTimestamp &&
        p.status.phase !== "Succeeded" &&
        p.status.phase !== "Failed",
    );
    for (const pod of pods) {
      const ports = portsFor(svc, pod);
      if (!ports) continue;
      const group = JSON.stringify(ports);
      let subset = groups.get(group);
      if (!subset) {
        subset = { ports };
        groups.set(group, subset);
      }
      const ready = isPodReady(pod) || svc.spec.publishNotReadyAddresses === true;
      const field = ready ? "addresses" : "notReadyAddresses";
      subset[field] = [...(subset[field] ?? []), address(pod)];
    }
    return [...groups.values()];
  }
}
