import { type CoreV1Api, PatchStrategy, setHeaderOptions, type V1Pod, type V1ReplicationController } from "@kubernetes/client-node";
import { BerthError } from "../../errors.ts";
import { isRoutable } from "../../domain/procfile.ts";
import { groupName, sameGroup } from "../names.ts";
import type { Group, GroupRef, GroupSpec, LogLine, LogOptions, Scheduler } from "../types.ts";
import { request, tolerate } from "./errors.ts";
import { berthSelector, groupOf, HERITAGE, selectorString } from "./labels.ts";
import { podWarnings } from "./pod-warnings.ts";
import { followPodLogs, type PodLogFollower } from "./follow.ts";
import { parseLogLines } from "./logs.ts";
import { envSecretManifest, type ManifestSettings, replicationControllerManifest, serviceManifest } from "./manifests.ts";
import { objectName, serviceAddress } from "./names.ts";
import { podRestarted, watchPods } from "./changes.ts";
import { ensureNamespace } from "./namespace.ts";
import { type NamespaceWatcher, waitNamespaceGone } from "./namespace-gone.ts";
import { isActive, podGroup, podInstances } from "./pods.ts";

/** The parts of the core/v1 client the scheduler uses (the real `CoreV1Api`, or a typed fake). */
export type KubeClient = Pick<
  CoreV1Api,
  | "createNamespace"
  | "deleteNamespace"
  | "readNamespace"
  | "createNamespacedSecret"
  | "replaceNamespacedSecret"
  | "deleteNamespacedSecret"
  | "createNamespacedService"
  | "listNamespacedService"
  | "createNamespacedReplicationController"
  | "listNamespacedReplicationController"
  | "readNamespacedReplicationControllerScale"
  | "replaceNamespacedReplicationControllerScale"
  | "deleteNamespacedReplicationController"
  | "listNamespacedPod"
  | "listNamespacedEvent"
  | "deleteNamespacedPod"
  | "patchNamespacedPod"
  | "deleteCollectionNamespacedPod"
  | "readNamespacedPodLog"
>;

/** A registry login the kubelet needs to pull private images; copied into each app's namespace. */
export interface RegistryLogin {
  server: string;
  username: string;
  password: string;
}

export interface KubernetesSchedulerOptions {
  /** Seconds a pod gets to finish after SIGTERM. Default 30 (Kubernetes' own default). */
  terminationGracePeriodSeconds?: number;
  registryLogin?: RegistryLogin;
  /** Node labels every pod requires (`nodeSelector`). */
  nodeSelector?: Record<string, string>;
  /**
   * client-node's `Watch`: namespaces (`destroyApp` returns once the namespace is gone; without it,
   * once deletion started) and pods (readiness waits look again on each change instead of polling).
   */
  namespaces?: NamespaceWatcher;
  /** client-node's `Log`, for `followLogs`; without it following logs is refused. */
  podLogs?: PodLogFollower;
  /** How long `destroyApp` waits for the namespace to go. Default 120 s. */
  destroyTimeoutMs?: number;
}

const conflictRetries = 5;

/** The annotation the replication manager ranks pods by when it scales down (lowest goes first). */
const POD_DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

/**
 * The cluster scheduler (Deis Workflow's layout): a namespace per app, a ReplicationController per
 * release × type, a Service per routable type, a Secret per release. Every answer is read from the API
 * server. The only controller module that talks to Kubernetes.
 */
export class KubernetesScheduler implements Scheduler {
  readonly #core: KubeClient;
  readonly #grace: number;
  readonly #options: KubernetesSchedulerOptions;

  constructor(core: KubeClient, options: KubernetesSchedulerOptions = {}) {
    this.#core = core;
    this.#grace = options.terminationGracePeriodSeconds ?? 30;
    this.#options = options;
  }

  /** The app's namespace (`heritage=berth`) and, when configured, its image pull secret. */
  async createApp(app: string): Promise<void> {
    await ensureNamespace(this.#core, app, this.#options.registryLogin);
  }

  /** Namespace, Service, the release's Secret and its RC at 0 replicas; each kept when it exists. */
  async createGroup(spec: GroupSpec): Promise<void> {
    const namespace = objectName.namespace(spec.app);
    await ensureNamespace(this.#core, spec.app, this.#options.registryLogin);
    if (isRoutable(spec.type)) {
      await tolerate(
        `create the Service of ${spec.app}/${spec.type}`,
        () => this.#core.createNamespacedService({ namespace, body: serviceManifest(spec.app, spec.type) }),
        [409],
      );
    }
    await tolerate(
      `create the Secret of v${spec.release}`,
      () => this.#core.createNamespacedSecret({ namespace, body: envSecretManifest(spec) }),
      [409],
    );
    const body = replicationControllerManifest(spec, this.#settings());
    await tolerate(
      `create ReplicationController ${groupName(spec)}`,
      () => this.#core.createNamespacedReplicationController({ namespace, body }),
      [409],
    );
  }

  /** Sets the RC's replicas through its scale subresource; the replication manager does the rest. */
  async scaleGroup(spec: GroupSpec, replicas: number): Promise<void> {
    const name = objectName.replicationController(spec);
    const namespace = objectName.namespace(spec.app);
    const body = { apiVersion: "autoscaling/v1", kind: "Scale", metadata: { name, namespace }, spec: { replicas } };
    const scaled = await tolerate(`scale ${name} to ${replicas}`, () =>
      this.#core.replaceNamespacedReplicationControllerScale({ name, namespace, body }),
    );
    if (scaled !== undefined) return;
    await this.createGroup(spec);
    await request(`scale ${name} to ${replicas}`, () => this.#core.replaceNamespacedReplicationControllerScale({ name, namespace, body }));
  }

  /**
   * Removes the named pods and lowers the RC's replicas by as many. The pods are first marked as the
   * cheapest to delete (`controller.kubernetes.io/pod-deletion-cost`), so the replication manager,
   * told to run fewer, deletes those: ready pods otherwise tie (Kubernetes compares how long they have
   * been ready on a log scale, then picks at random), and a pod deleted before the replicas were lowered
   * gets a replacement that may be the one kept. Then any named pod still there is deleted, in case the
   * manager took a pod that was not ready instead (it then replaces that one).
   */
  async removeInstances(group: GroupRef, names: string[]): Promise<void> {
    const namespace = objectName.namespace(group.app);
    const wanted = new Set(names);
    const pods = (await this.#pods(group.app, group)).filter((p) => isActive(p) && wanted.has(p.metadata?.name ?? ""));
    if (pods.length === 0) return;
    const cheapest = { metadata: { annotations: { [POD_DELETION_COST]: String(-(2 ** 31)) } } };
    for (const pod of pods) {
      const name = pod.metadata?.name ?? "";
      await tolerate(`mark pod ${name} to be deleted first`, () =>
        this.#core.patchNamespacedPod({ name, namespace, body: cheapest }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch)),
      );
    }
    await this.#lowerReplicas(group, pods.length);
    for (const pod of pods) {
      const name = pod.metadata?.name ?? "";
      await tolerate(`delete pod ${name}`, () => this.#core.deleteNamespacedPod({ name, namespace }));
    }
  }

  async listGroups(app: string): Promise<Group[]> {
    const namespace = objectName.namespace(app);
    const [rcs, pods] = await Promise.all([
      tolerate(`list the ReplicationControllers of ${app}`, () =>
        this.#core.listNamespacedReplicationController({ namespace, labelSelector: berthSelector() }),
      ),
      this.#pods(app),
    ]);
    // Events after pods: the kubelet records why it killed a container (a failed liveness probe)
    // before the kill shows in the pod's status, so this order always sees the reason with the exit.
    const events = await tolerate(`list the events of ${app}`, () =>
      this.#core.listNamespacedEvent({ namespace, fieldSelector: "type=Warning,involvedObject.kind=Pod" }),
    );
    const warnings = podWarnings(events?.items ?? []);
    const groups: Group[] = [];
    for (const rc of rcs?.items ?? []) {
      const ref = groupOf(rc.metadata?.labels);
      if (ref === undefined || ref.app !== app) continue;
      const mine = pods.filter((p) => isActive(p) && sameGroup(podGroup(p) ?? { app: "", release: 0, type: "" }, ref));
      groups.push({ ...ref, replicas: rc.spec?.replicas ?? 0, instances: podInstances(ref, mine, warnings) });
    }
    return groups.sort((a, b) => a.release - b.release || a.type.localeCompare(b.type));
  }

  /** Scales the RC to 0, deletes it and its pods, and the release's Secret once no RC uses it. */
  async deleteGroup(group: GroupRef): Promise<void> {
    const name = objectName.replicationController(group);
    const namespace = objectName.namespace(group.app);
    await tolerate(`scale ${name} to 0`, () =>
      this.#core.replaceNamespacedReplicationControllerScale({
        name,
        namespace,
        body: { apiVersion: "autoscaling/v1", kind: "Scale", metadata: { name, namespace }, spec: { replicas: 0 } },
      }),
    );
    await tolerate(`delete ReplicationController ${name}`, () =>
      this.#core.deleteNamespacedReplicationController({ name, namespace, propagationPolicy: "Background" }),
    );
    await tolerate(`delete the pods of ${name}`, () =>
      this.#core.deleteCollectionNamespacedPod({ namespace, labelSelector: berthSelector(group) }),
    );
    await this.#deleteUnusedSecret(group.app, group.release);
  }

  async logs(app: string, options: LogOptions = {}): Promise<LogLine[]> {
    const namespace = objectName.namespace(app);
    const groups = await this.listGroups(app);
    const instances = groups.flatMap((g) => g.instances).filter((i) => options.instances?.includes(i.name) ?? true);
    const perPod = await Promise.all(
      instances.map(async (instance) => {
        // 400: the container has not started yet, so it has no log; 404: the pod went meanwhile.
        const text = await tolerate(
          `read the log of pod ${instance.name}`,
          () =>
            this.#core.readNamespacedPodLog({
              name: instance.name,
              namespace,
              container: instance.type,
              timestamps: true,
              tailLines: options.tail ?? 100,
              // The log API takes whole seconds back from now; the caller drops what it already has.
              ...(options.since === undefined
                ? {}
                : { sinceSeconds: Math.max(1, Math.ceil((Date.now() - Date.parse(options.since)) / 1000) + 1) }),
            }),
          [400, 404],
        );
        return parseLogLines(text ?? "").map((l) => ({ instance: instance.name, tag: `${instance.type}.${instance.index}`, ...l }));
      }),
    );
    return perPod.flat().sort((a, b) => a.time.localeCompare(b.time));
  }

  /**
   * Follows the app's pods' logs through the log API (`follow=true`): the running ones from their last
   * `tail` lines, then, when pods can be watched, every container that starts later from its first.
   */
  async followLogs(app: string, onLine: (line: LogLine) => void, signal: AbortSignal, options: LogOptions = {}): Promise<void> {
    const follower = this.#options.podLogs;
    if (follower === undefined) {
      throw new BerthError("UNAVAILABLE", "this controller cannot follow pod logs", { hint: "read them without following" });
    }
    const namespace = objectName.namespace(app);
    // The list's resourceVersion is where the watch for later pods starts: nothing falls between.
    const listed = await tolerate(`list the pods of ${app}`, () =>
      this.#core.listNamespacedPod({ namespace, labelSelector: berthSelector() }),
    );
    await followPodLogs({ follower, watcher: this.#options.namespaces, namespace }, listed, onLine, signal, {
      tail: options.tail ?? 10,
      instances: options.instances,
    });
  }

  /** Pod events of the app's namespace, for readiness waits that look again on each change. */
  watchChanges(app: string, onChange: () => void, signal: AbortSignal): void {
    const watcher = this.#options.namespaces;
    if (watcher !== undefined) watchPods(watcher, objectName.namespace(app), () => onChange(), signal);
  }

  /**
   * One pod watch across namespaces (`heritage=berth`): an app is named whenever one of its pods
   * shows an exit or a restart. Without a watcher nothing is watched.
   */
  watchInstances(onChange: (app: string | undefined) => void, signal: AbortSignal): void {
    const watcher = this.#options.namespaces;
    if (watcher === undefined) return;
    const onPod = (_phase: string, pod: V1Pod) => {
      const app = groupOf(pod.metadata?.labels)?.app;
      if (app !== undefined && podRestarted(pod)) onChange(app);
    };
    watchPods(watcher, undefined, onPod, signal, { labelSelector: berthSelector() });
  }

  /** Deletes the app's namespace, which takes everything in it; waits for it to go when it can watch. */
  async destroyApp(app: string): Promise<void> {
    const name = objectName.namespace(app);
    const ns = await tolerate(`read namespace ${name}`, () => this.#core.readNamespace({ name }));
    if (ns === undefined) return;
    if (ns.metadata?.labels?.heritage !== HERITAGE.heritage) return;
    const watcher = this.#options.namespaces;
    const exists = async () => (await tolerate(`read namespace ${name}`, () => this.#core.readNamespace({ name }))) !== undefined;
    const timeout = this.#options.destroyTimeoutMs ?? 120_000;
    const gone = watcher === undefined ? undefined : waitNamespaceGone(watcher, name, exists, timeout);
    try {
      await tolerate(`delete namespace ${name}`, () => this.#core.deleteNamespace({ name }));
      await gone?.done;
    } finally {
      gone?.stop();
    }
  }

  /**
   * Each routable type's Service address, `<ClusterIP>:80`: kube-proxy balances there from any node
   * or pod, so the router needs no cluster DNS. A Service without a ClusterIP yet is left out.
   */
  async serviceAddresses(app: string): Promise<Map<string, string>> {
    const namespace = objectName.namespace(app);
    const list = await tolerate(`list the Services of ${app}`, () =>
      this.#core.listNamespacedService({ namespace, labelSelector: berthSelector() }),
    );
    const addresses = new Map<string, string>();
    for (const service of list?.items ?? []) {
      const type = service.metadata?.labels?.type;
      const ip = service.spec?.clusterIP;
      if (type !== undefined && ip !== undefined && ip !== "" && ip !== "None") addresses.set(type, serviceAddress(ip));
    }
    return addresses;
  }

  #settings(): ManifestSettings {
    const { registryLogin, nodeSelector } = this.#options;
    return {
      terminationGracePeriodSeconds: this.#grace,
      pullSecret: registryLogin !== undefined,
      ...(nodeSelector === undefined ? {} : { nodeSelector }),
    };
  }

  async #pods(app: string, group?: GroupRef): Promise<V1Pod[]> {
    const namespace = objectName.namespace(app);
    const list = await tolerate(`list the pods of ${app}`, () =>
      this.#core.listNamespacedPod({ namespace, labelSelector: berthSelector(group) }),
    );
    return list?.items ?? [];
  }

  /** Lowers `spec.replicas` by `count` with the Scale's resourceVersion, retrying when someone else wrote first. */
  async #lowerReplicas(group: GroupRef, count: number): Promise<void> {
    const name = objectName.replicationController(group);
    const namespace = objectName.namespace(group.app);
    for (let attempt = 1; ; attempt++) {
      const scale = await tolerate(`read the scale of ${name}`, () =>
        this.#core.readNamespacedReplicationControllerScale({ name, namespace }),
      );
      if (scale === undefined) return;
      const replicas = Math.max(0, (scale.spec?.replicas ?? 0) - count);
      const body = { ...scale, spec: { replicas } };
      const done = await tolerate(
        `scale ${name} to ${replicas}`,
        () => this.#core.replaceNamespacedReplicationControllerScale({ name, namespace, body }),
        attempt < conflictRetries ? [404, 409] : [404],
      );
      if (done !== undefined || attempt >= conflictRetries) return;
    }
  }

  async #deleteUnusedSecret(app: string, release: number): Promise<void> {
    const namespace = objectName.namespace(app);
    const labelSelector = selectorString({ app, version: String(release), ...HERITAGE });
    const rcs = await tolerate(`list the ReplicationControllers of v${release}`, () =>
      this.#core.listNamespacedReplicationController({ namespace, labelSelector }),
    );
    if ((rcs?.items ?? []).some((rc: V1ReplicationController) => rc.metadata?.deletionTimestamp === undefined)) return;
    const name = objectName.envSecret(app, release);
    await tolerate(`delete Secret ${name}`, () => this.#core.deleteNamespacedSecret({ name, namespace }));
  }
}
