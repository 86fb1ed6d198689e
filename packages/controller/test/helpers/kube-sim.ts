import { randomBytes } from "node:crypto";
import { startKubeSim } from "@berth/kube-sim";
import { CoreV1Api, KubeConfig, Log, Watch } from "@kubernetes/client-node";
import type { ExecutionContext } from "ava";
import Docker from "dockerode";
import { KubernetesScheduler, type KubernetesSchedulerOptions } from "../../src/scheduler/kubernetes/scheduler.ts";
import { busyboxImage, socketPath, testDockerHost } from "./test-image.ts";

export interface SimCluster {
  core: CoreV1Api;
  kc: KubeConfig;
  scheduler: KubernetesScheduler;
  /** The engine the simulator's kubelet runs pods on; undefined against a real cluster. */
  docker: Docker | undefined;
}

/**
 * `BERTH_TEST_KUBECONFIG` (set by scripts/k8s-e2e): run the scheduler's integration tests against that
 * real cluster instead of the simulator.
 */
export function realClusterConfig(): string | undefined {
  return process.env.BERTH_TEST_KUBECONFIG || undefined;
}

/** The app image of the tests: busybox httpd made on the test engine, or `BERTH_TEST_K8S_IMAGE` on a real cluster. */
export async function clusterTestImage(): Promise<string> {
  if (realClusterConfig() === undefined) return busyboxImage(testDockerHost());
  const image = process.env.BERTH_TEST_K8S_IMAGE;
  if (!image) throw new Error("BERTH_TEST_K8S_IMAGE is not set: scripts/k8s-e2e sets it to the test image the cluster can pull");
  return image;
}

/**
 * The Kubernetes API simulator with its kubelet on the test engine (probes, crashes and logs are
 * real), the real `@kubernetes/client-node` pointed at it through a kubeconfig, and the scheduler
 * over that client. Kubelet delays run at `timeScale` of real time. Everything is removed after the
 * test. With `BERTH_TEST_KUBECONFIG`, the same against a real cluster.
 */
export async function simCluster(t: ExecutionContext, options: KubernetesSchedulerOptions = {}, timeScale = 0.2): Promise<SimCluster> {
  const kc = new KubeConfig();
  let docker: Docker | undefined;
  const real = realClusterConfig();
  if (real !== undefined) kc.loadFromFile(real);
  else {
    docker = new Docker({ socketPath: socketPath(testDockerHost()) });
    const engine = docker;
    const run = randomBytes(6).toString("hex");
    const labels = { "berth.test": "1", "berth.test-run": run };
    const sim = await startKubeSim({ kubelet: { docker: engine, containerLabels: labels }, timeScale });
    t.teardown(async () => {
      await sim.close();
      const left = await engine.listContainers({ all: true, filters: JSON.stringify({ label: [`berth.test-run=${run}`] }) });
      await Promise.all(left.map((c) => engine.getContainer(c.Id).remove({ force: true })));
    });
    kc.loadFromOptions(sim.kubeConfig());
  }
  const core = kc.makeApiClient(CoreV1Api);
  const scheduler = new KubernetesScheduler(core, {
    terminationGracePeriodSeconds: 2,
    namespaces: new Watch(kc),
    podLogs: new Log(kc),
    ...options,
  });
  return { core, kc, scheduler, docker };
}

/** Polls until `check` gives a value; fails with `what` after `timeoutMs`. For state the cluster reaches on its own. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
