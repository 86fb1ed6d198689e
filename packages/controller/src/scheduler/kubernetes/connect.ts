import { CoreV1Api, KubeConfig, Log, Watch } from "@kubernetes/client-node";
import { BerthError } from "../../errors.ts";
import { KubernetesScheduler, type KubernetesSchedulerOptions } from "./scheduler.ts";

/**
 * The cluster's client configuration: the kubeconfig file at `path` when given, else client-node's
 * default order (`KUBECONFIG`, `~/.kube/config`, then the in-cluster service account).
 */
export function loadKubeConfig(path: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (path === undefined) kc.loadFromDefault();
    else kc.loadFromFile(path);
  } catch (cause) {
    throw new BerthError(
      "BAD_REQUEST",
      `could not load the Kubernetes configuration${path === undefined ? "" : ` from ${path}`}: ${(cause as Error).message}`,
      {
        cause,
        hint: "set KUBECONFIG to a kubeconfig file, or run the controller in a pod with a service account",
      },
    );
  }
  if (kc.getCurrentCluster() === null) {
    throw new BerthError("BAD_REQUEST", "the Kubernetes configuration names no cluster", {
      hint: "set KUBECONFIG to a kubeconfig whose current-context has a cluster, or run the controller in a pod",
    });
  }
  return kc;
}

/** The scheduler over the real client of `kc`: namespaces watched (app deletion waits for them), pod logs followed. */
export function kubernetesScheduler(kc: KubeConfig, options: KubernetesSchedulerOptions = {}): KubernetesScheduler {
  return new KubernetesScheduler(kc.makeApiClient(CoreV1Api), { namespaces: new Watch(kc), podLogs: new Log(kc), ...options });
}
