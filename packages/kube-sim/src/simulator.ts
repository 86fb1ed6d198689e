import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Deleter } from "./deletion.ts";
import { DockerRuntime, type DockerRuntimeOptions } from "./kubelet/docker-runtime.ts";
import { FakeRuntime, type FakeRuntimeOptions } from "./kubelet/fake-runtime.ts";
import type { Pod } from "./kinds/shapes.ts";
import { Kubelet } from "./kubelet/kubelet.ts";
import type { Runtime } from "./kubelet/runtime.ts";
import { EndpointsController } from "./endpoints-controller.ts";
import { ReplicationManager } from "./replication-manager.ts";
import { NamespaceController } from "./namespace-controller.ts";
import type { PodLogSource } from "./pod-logs.ts";
import { Registry } from "./registry.ts";
import { createApiServer } from "./server.ts";
import { badRequest } from "./status.ts";
import { ObjectStore } from "./store.ts";

export interface KubeSimOptions {
  /** Events a watch can resume from before it gets 410 Expired (default 10 000). */
  historySize?: number;
  /** Interval of BOOKMARK events for watches that allow them (default 5 s). */
  bookmarkIntervalMs?: number;
  /**
   * Run the replication manager and endpoints controller (default true). Off, the server is a bare
   * API: objects change only when a client changes them.
   */
  controllers?: boolean;
  /**
   * The kubelet stand-in. `"fake"` (the default) marks pods Running and Ready after a short delay;
   * `{ docker }` runs them as containers on that engine; `false` leaves pods Pending and unbound.
   */
  kubelet?: false | "fake" | FakeRuntimeOptions | DockerRuntimeOptions;
  /**
   * The scheduler stand-in binds every pod to the one node unless this returns a message for it: then
   * the pod stays Pending with PodScheduled False (Unschedulable) and a FailedScheduling event.
   */
  unschedulable?: (pod: Pod) => string | undefined;
  /** Kubelet durations (probe delays and periods, back-offs) are multiplied by this (default 1). */
  timeScale?: number;
  /** Where the in-process controllers report unexpected failures (default: kept in `sim.errors`). */
  onError?: (error: unknown) => void;
}

/** The `kc.loadFromOptions(...)` argument that points `@kubernetes/client-node` at the simulator. */
export interface KubeConfigOptions {
  clusters: { name: string; server: string; skipTLSVerify: boolean }[];
  users: { name: string; token: string }[];
  contexts: { name: string; cluster: string; user: string; namespace?: string }[];
  currentContext: string;
}

/** A running simulator: its URL, the in-process parts tests may reach into, and `close()`. */
export interface KubeSim {
  readonly url: string;
  readonly registry: Registry;
  readonly deleter: Deleter;
  /** Unexpected controller failures, when no `onError` was given; a healthy run leaves it empty. */
  readonly errors: unknown[];
  kubeConfig(): KubeConfigOptions;
  /** The same as a kubeconfig file's text, for a process started with `KUBECONFIG` pointing at it. */
  kubeConfigYaml(): string;
  /** Forgets watch history, so resuming from any earlier resourceVersion gets 410 Expired. */
  compactHistory(): void;
  close(): Promise<void>;
}

const noLogs: PodLogSource = {
  logs: () => Promise.reject(badRequest("no kubelet is running in this simulator: pods never start, so they have no logs")),
};

function runtimeFor(kubelet: KubeSimOptions["kubelet"]): Runtime | undefined {
  if (kubelet === false) return undefined;
  if (kubelet === undefined || kubelet === "fake") return new FakeRuntime();
  return "docker" in kubelet ? new DockerRuntime(kubelet) : new FakeRuntime(kubelet);
}

/** Starts the API server on 127.0.0.1 and an ephemeral port, with `default` and `kube-system` namespaces. */
export async function startKubeSim(options: KubeSimOptions = {}): Promise<KubeSim> {
  const store = new ObjectStore(options.historySize === undefined ? {} : { historySize: options.historySize });
  const registry = new Registry(store);
  const deleter = new Deleter(registry);
  for (const name of ["default", "kube-system"]) registry.create("namespaces", undefined, { metadata: { name } });
  const errors: unknown[] = [];
  const onError = options.onError ?? ((error: unknown) => errors.push(error));
  const namespaces = new NamespaceController(registry, deleter);
  const replication = new ReplicationManager({ registry, deleter, onError });
  const endpoints = new EndpointsController(registry, onError);
  namespaces.start();
  if (options.controllers !== false) {
    replication.start();
    endpoints.start();
  }
  const runtime = runtimeFor(options.kubelet);
  const kubelet = runtime
    ? new Kubelet({
        registry,
        deleter,
        runtime,
        timeScale: options.timeScale ?? 1,
        unschedulable: options.unschedulable ?? (() => undefined),
        onError,
      })
    : undefined;
  kubelet?.start();
  const server: Server = createApiServer({
    registry,
    deleter,
    logs: kubelet ?? noLogs,
    watch: { bookmarkIntervalMs: options.bookmarkIntervalMs ?? 5000 },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    registry,
    deleter,
    errors,
    kubeConfig: () => ({
      clusters: [{ name: "kube-sim", server: url, skipTLSVerify: true }],
      users: [{ name: "kube-sim", token: "kube-sim" }],
      contexts: [{ name: "kube-sim", cluster: "kube-sim", user: "kube-sim" }],
      currentContext: "kube-sim",
    }),
    kubeConfigYaml: () =>
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: kube-sim",
        "  cluster:",
        `    server: ${url}`,
        "    insecure-skip-tls-verify: true",
        "users:",
        "- name: kube-sim",
        "  user:",
        "    token: kube-sim",
        "contexts:",
        "- name: kube-sim",
        "  context:",
        "    cluster: kube-sim",
        "    user: kube-sim",
        "current-context: kube-sim",
        "",
      ].join("\n"),
    compactHistory: () => store.compact(),
    close: async () => {
      namespaces.stop();
      await Promise.all([replication.stop(), endpoints.stop()]);
      await kubelet?.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
